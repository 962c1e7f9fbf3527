import csv

from django.contrib import admin, messages
from django.http import HttpResponse

from mookh.core.admin import ReadOnlyAdminMixin
from mookh.core.csv import csv_safe
from mookh.core.errors import DomainError
from orders import services
from orders.models import IdempotencyKey, Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("type_name", "name", "item_quantity", "unit_price", "promo_code", "promo_amount", "selling_price")
    readonly_fields = fields


def _each(modeladmin, request, queryset, action, verb):
    done = 0
    for order in queryset:
        try:
            action(order)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{order.order_number}: {exc.message}", messages.WARNING)
    modeladmin.message_user(request, f"{done} order(s) {verb}.")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("order_number", "status", "customer_name", "customer_phone", "order_amount", "amount_paid",
                    "currency", "payment_method", "order_channel", "created")
    list_filter = ("status", "order_channel", "payment_method", "currency", "lines__store", "created")
    search_fields = ("order_number", "customer_email", "customer_phone", "customer_name", "payment_reference")
    date_hierarchy = "created"
    inlines = (OrderLineInline,)
    actions = ("cancel_orders", "resend_tickets", "export_csv")

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    # Orders are made by order_place and changed by the actions below, never edited in a form.
    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Order._meta.fields]

    @admin.action(description="Cancel selected orders")
    def cancel_orders(self, request, queryset):
        _each(self, request, queryset, lambda o: services.order_cancel(order_id=o.pk, by_user=request.user),
              "cancelled")

    @admin.action(description="Resend the paid-order messages")
    def resend_tickets(self, request, queryset):
        _each(self, request, queryset, lambda o: services.order_messages_resend(order_id=o.pk), "queued again")

    @admin.action(description="Export selected orders to CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="orders.csv"'
        columns = ("order_number", "status", "customer_name", "customer_email", "customer_phone", "currency",
                   "order_amount", "amount_paid", "payment_method", "order_channel", "created")
        writer = csv.writer(response)
        writer.writerow(columns)
        for order in queryset.order_by("created"):
            # Customer names and emails are typed by buyers: no cell may run as a spreadsheet formula.
            writer.writerow([csv_safe(getattr(order, column)) for column in columns])
        return response


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("key", "order", "response_status", "created")
    search_fields = ("key", "order__order_number")
    raw_id_fields = ("order",)


# The Voucherify-compatible API's pages.
import orders.voucherify.admin  # noqa: E402, F401
