"""Issued tickets and gate scans in the Django admin, and the check-ins on each event's page."""
from django.contrib import admin, messages

from mookh.core.admin import ReadOnlyAdminMixin
from stores.admin import EventAdmin
from stores.models import Event
from tickets import services
from tickets.models import CheckInScan, EventCheckIns, IssuedTicket
from tickets.selectors import events_with_check_in_counts, issued_ticket_counts_by_status


class CheckInScanInline(admin.TabularInline):
    model = CheckInScan
    extra = 0
    can_delete = False
    fields = ("scanned_at", "gate", "agent", "result", "scan_id", "created")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IssuedTicket)
class IssuedTicketAdmin(admin.ModelAdmin):
    list_display = ("id", "attendee", "status", "ticket", "event", "order", "issued_at", "checked_in_at",
                    "checked_in_gate")
    list_filter = ("status", "event", "issued_at", "checked_in_at")
    search_fields = ("id", "attendee", "order__order_number")
    list_select_related = ("ticket", "event", "order")
    ordering = ("-issued_at", "sequence")
    date_hierarchy = "issued_at"
    inlines = (CheckInScanInline,)
    actions = ("void_tickets",)
    readonly_fields = ("id", "order", "order_line", "sequence", "ticket", "event", "attendee", "status", "issued_at",
                       "checked_in_at", "checked_in_by", "checked_in_gate", "voided_at", "created", "updated")

    def has_add_permission(self, request):
        return False

    @admin.action(description="Void selected tickets (the gate refuses them)")
    def void_tickets(self, request, queryset):
        for ticket_id in queryset.values_list("pk", flat=True):
            services.issued_ticket_void(ticket_id=ticket_id)
        self.message_user(request, f"{len(queryset)} ticket(s) void.", messages.SUCCESS)


@admin.register(CheckInScan)
class CheckInScanAdmin(admin.ModelAdmin):
    list_display = ("scanned_at", "result", "gate", "agent", "issued_ticket", "scan_id")
    list_filter = ("result", "issued_ticket__event")
    search_fields = ("scan_id", "gate", "issued_ticket__attendee", "issued_ticket__order__order_number")
    raw_id_fields = ("issued_ticket", "agent")
    list_select_related = ("agent", "issued_ticket")


@admin.register(EventCheckIns)
class EventCheckInsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Per event: tickets issued, checked in and void, live from the issued tickets."""

    list_display = ("event_name", "store", "start_date", "issued", "checked_in", "void")
    list_filter = ("store", "start_date")
    search_fields = ("event_name",)
    list_select_related = ("store",)

    def get_queryset(self, request):
        return events_with_check_in_counts(super().get_queryset(request))

    @admin.display(description="issued", ordering="tickets_issued")
    def issued(self, event):
        return event.tickets_issued

    @admin.display(description="checked in", ordering="tickets_checked_in")
    def checked_in(self, event):
        return event.tickets_checked_in

    @admin.display(description="void", ordering="tickets_void")
    def void(self, event):
        return event.tickets_void


class EventWithCheckInsAdmin(EventAdmin):
    """The catalog's event page, with the gate's figures for the event."""

    readonly_fields = (*EventAdmin.readonly_fields, "check_ins")

    @admin.display(description="check-ins")
    def check_ins(self, event):
        if event.pk is None:
            return "-"
        counts = issued_ticket_counts_by_status([event.pk])[event.pk]
        issued = sum(counts.values()) - counts["VOID"]
        return f"{counts['CHECKED_IN']} of {issued} tickets checked in ({counts['VOID']} void)"


admin.site.unregister(Event)
admin.site.register(Event, EventWithCheckInsAdmin)
