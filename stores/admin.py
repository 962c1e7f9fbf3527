from decimal import Decimal

from django import forms
from django.contrib import admin, messages

from mookh.core.admin import ReadOnlyAdminMixin
from mookh.core.currency import InvalidAmount, InvalidCurrency, amount_parse, currency_normalize
from mookh.core.errors import DomainError
from stores import services
from stores.models import (
    Album, Category, Event, EventCategory, MediaFile, MediaType, Schedule, Store, StoreAgent, StoreAgentInvitation,
    StoreApiKey, StoreType, Ticket,
)


def _prices_clean(form, store) -> None:
    """Normalize the form's `prices` the way the API does: ISO 4217 codes, amounts with 2 places."""
    prices = form.cleaned_data.get("prices")
    if store is None or "prices" not in form.cleaned_data:
        return
    if not isinstance(prices, dict):
        form.add_error("prices", 'Expected an object such as {"KES": "1000.00"}.')
        return
    try:
        parsed = {currency_normalize(code): amount_parse(amount) for code, amount in prices.items()}
        form.cleaned_data["prices"] = services.prices_resolve(currency=store.default_currency, prices=parsed or None)
    except (InvalidCurrency, InvalidAmount) as exc:
        form.add_error("prices", str(exc))
    except DomainError as exc:
        form.add_error("prices", exc.message)


class TicketAdminForm(forms.ModelForm):
    class Meta:
        model = Ticket
        fields = "__all__"

    def clean(self):
        data = super().clean()
        event = data.get("event") or Event.objects.filter(pk=self.instance.event_id).select_related("store").first()
        _prices_clean(self, event.store if event else None)
        if event and "prices" in self.cleaned_data and not self.has_error("prices"):
            self.instance.ticket_value = Decimal(self.cleaned_data["prices"][event.store.default_currency])
        quantity = data.get("quantity")
        taken = self.instance.sold + self.instance.reserved if self.instance.pk else 0
        if quantity is not None and quantity < taken:
            self.add_error("quantity", f"{taken} tickets are already sold or reserved.")
        return data


class AlbumAdminForm(forms.ModelForm):
    class Meta:
        model = Album
        fields = "__all__"

    def clean(self):
        data = super().clean()
        _prices_clean(self, data.get("store"))
        return data


class MediaFileAdminForm(forms.ModelForm):
    class Meta:
        model = MediaFile
        fields = "__all__"

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None and "file" in self.changed_data:
            self.instance.content_type = getattr(upload, "content_type", "") or ""
            self.instance.size = upload.size
        return data


class StoreAgentInline(admin.TabularInline):
    model = StoreAgent
    extra = 0
    autocomplete_fields = ("user",)


class TicketInline(admin.TabularInline):
    model = Ticket
    form = TicketAdminForm
    extra = 0
    fields = ("ticket_name", "schedule", "prices", "ticket_value", "quantity", "sold", "reserved", "is_published",
              "sales_start", "sales_end", "max_per_order", "max_per_buyer")
    readonly_fields = ("ticket_value", "sold", "reserved")


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0
    fields = ("title", "all_day", "repeats", "dow", "start", "end")


class SubEventInline(admin.TabularInline):
    model = Event
    fk_name = "parent_event"
    extra = 0
    fields = ("event_name", "start_date", "end_date", "is_published", "is_private")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MediaFileInline(admin.TabularInline):
    model = MediaFile
    form = MediaFileAdminForm
    extra = 0
    fields = ("title", "file", "content_type", "size", "position")
    readonly_fields = ("content_type", "size")


class TicketCountersSafeMixin:
    """Admin edits of ticket types never write `sold`/`reserved`, which orders move concurrently."""

    def save_model(self, request, obj, form, change):
        if isinstance(obj, Ticket):
            services.ticket_admin_save(ticket=obj, changed=form.changed_data)
        else:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Ticket:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for ticket in formset.deleted_objects:
            services.ticket_delete(ticket=ticket, actor=request.user)
        for ticket, changed in formset.changed_objects:
            services.ticket_admin_save(ticket=ticket, changed=changed)
        for ticket in formset.new_objects:
            services.ticket_admin_save(ticket=ticket, changed=[])


@admin.register(StoreType)
class StoreTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "created")
    search_fields = ("name",)


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("store_name", "store_type", "owner", "country", "default_currency", "is_active", "created")
    list_filter = ("store_type", "country", "default_currency", "is_active")
    search_fields = ("store_name", "owner__email")
    list_select_related = ("store_type", "owner")
    autocomplete_fields = ("owner",)
    inlines = (StoreAgentInline,)


@admin.register(StoreAgent)
class StoreAgentAdmin(admin.ModelAdmin):
    list_display = ("user", "store", "created")
    list_filter = ("store",)
    search_fields = ("user__email", "store__store_name")
    list_select_related = ("user", "store")
    autocomplete_fields = ("user", "store")


@admin.register(StoreAgentInvitation)
class StoreAgentInvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: invitations are made by store owners and answered by the invited person, in the API."""

    list_display = ("email", "store", "status", "invited_by", "created", "expires_at", "responded_at")
    list_filter = ("status",)
    search_fields = ("email",)
    list_select_related = ("store", "invited_by")


@admin.register(StoreApiKey)
class StoreApiKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Keys are issued by store owners in the API (their tokens exist only there); staff may revoke them."""

    list_display = ("name", "store", "app_id", "token_hint", "created_by", "created", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "app_id", "store__store_name")
    list_select_related = ("store", "created_by")
    actions = ("revoke_keys",)

    @admin.action(description="Revoke the selected keys")
    def revoke_keys(self, request, queryset):
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True).select_related("store"):
            try:
                services.store_api_key_revoke(key=key, actor=request.user)
                revoked += 1
            except DomainError as exc:
                self.message_user(request, f"{key}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{revoked} key(s) revoked.")


@admin.register(EventCategory)
class EventCategoryAdmin(admin.ModelAdmin):
    list_display = ("category_name", "event_label", "created")
    list_filter = ("event_label",)
    search_fields = ("category_name", "event_label")


@admin.register(Event)
class EventAdmin(TicketCountersSafeMixin, admin.ModelAdmin):
    list_display = ("event_name", "store", "event_category", "start_date", "end_date", "is_published", "is_private",
                    "parent_event")
    list_filter = ("is_published", "is_private", "is_free", "event_category", "store", "start_date")
    search_fields = ("event_name", "event_venue", "store__store_name")
    list_select_related = ("store", "event_category", "parent_event")
    autocomplete_fields = ("store", "parent_event")
    date_hierarchy = "start_date"
    inlines = (ScheduleInline, TicketInline, SubEventInline)


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "event", "start", "end", "all_day", "repeats")
    list_filter = ("all_day", "repeats", "event__store")
    search_fields = ("title", "event__event_name")
    list_select_related = ("event",)
    autocomplete_fields = ("event",)


@admin.register(Ticket)
class TicketAdmin(TicketCountersSafeMixin, admin.ModelAdmin):
    form = TicketAdminForm
    list_display = ("ticket_name", "event", "ticket_value", "quantity", "sold", "reserved", "is_published",
                    "sales_start", "sales_end")
    list_filter = ("is_published", "event__store", "sales_start")
    search_fields = ("ticket_name", "event__event_name", "event__store__store_name")
    list_select_related = ("event",)
    autocomplete_fields = ("event", "schedule")
    readonly_fields = ("ticket_value", "sold", "reserved")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "created")
    search_fields = ("name",)


@admin.register(MediaType)
class MediaTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "created")
    search_fields = ("name",)


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    form = AlbumAdminForm
    list_display = ("name", "store", "media_type", "category", "is_published", "created")
    list_filter = ("is_published", "media_type", "category", "store")
    search_fields = ("name", "description", "store__store_name")
    list_select_related = ("store", "media_type", "category")
    autocomplete_fields = ("store",)
    inlines = (MediaFileInline,)


@admin.register(MediaFile)
class MediaFileAdmin(admin.ModelAdmin):
    form = MediaFileAdminForm
    list_display = ("title", "album", "content_type", "size", "position", "created")
    list_filter = ("content_type", "album__store")
    search_fields = ("title", "album__name")
    list_select_related = ("album",)
    readonly_fields = ("content_type", "size")
