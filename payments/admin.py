from django.contrib import admin

from mookh.core.admin import ReadOnlyAdminMixin
from payments.models import PaymentAttempt, ProviderCallback


class ProviderCallbackInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProviderCallback
    extra = 0
    fields = ("created", "outcome", "detail", "remote_addr")
    readonly_fields = fields


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Attempts move only through the payments services; money kept for review shows its reason."""

    list_display = ("created", "order", "provider", "method", "amount", "currency", "status", "receipt",
                    "review_reason")
    list_filter = ("provider", "status", "currency")
    search_fields = ("provider_reference", "receipt", "order__order_number", "phone")
    list_select_related = ("order",)
    inlines = (ProviderCallbackInline,)


@admin.register(ProviderCallback)
class ProviderCallbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every callback as it arrived, for audit."""

    list_display = ("created", "provider", "outcome", "detail", "remote_addr", "attempt")
    list_filter = ("provider", "outcome")
    search_fields = ("body", "detail", "attempt__provider_reference")
    list_select_related = ("attempt",)
