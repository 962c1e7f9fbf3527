from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import OuterRef, Subquery
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from mookh.core.admin import ReadOnlyAdminMixin
from mookh.core.errors import DomainError
from orders.admin import OrderAdmin
from orders.models import Order
from payments.models import Payment, PaymentAttempt, ProviderCallback, Refund, UnmatchedPayment
from payments.services import (
    payment_cash_record, refund_retry, refund_returned_by_hand, unmatched_payment_assign, unmatched_payment_refund,
)


class ProviderCallbackInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProviderCallback
    extra = 0
    fields = ("created", "outcome", "detail", "remote_addr")
    readonly_fields = fields


class PaymentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ("created", "provider", "reference", "amount", "currency", "received_by")
    readonly_fields = fields


class RefundInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("created", "amount", "currency", "provider", "reason", "status", "receipt", "failure_reason")
    readonly_fields = fields


admin.site.unregister(Order)


@admin.register(Order)
class OrderWithMoneyAdmin(OrderAdmin):
    """The order engine's admin with the money this app records and the cash action."""

    inlines = (*OrderAdmin.inlines, PaymentInline, RefundInline)
    actions = (*OrderAdmin.actions, "mark_cash_paid")

    @admin.action(description="Mark selected orders paid in cash (the balance due)")
    def mark_cash_paid(self, request, queryset):
        """Counts only the orders for which a cash payment was recorded now; warns why for the others."""
        marked = 0
        for order in queryset:
            try:
                payment_cash_record(order_id=order.pk, received_by=request.user)
                marked += 1
            except DomainError as exc:
                self.message_user(request, f"{order.order_number}: not marked paid: {exc.message}",
                                  messages.WARNING)
        self.message_user(request, f"{marked} order(s) marked paid.")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Payments are recorded only by payments.services.payment_apply (callbacks, POS, the action above)."""

    list_display = ("created", "order", "provider", "reference", "amount", "currency")
    list_filter = ("provider", "currency")
    search_fields = ("reference", "order__order_number")
    raw_id_fields = ("order", "received_by")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Refunds move only through the payments services: the API, an order that closed owing money,
    late money, the provider's result, and the two actions below."""

    list_display = ("created", "order", "unmatched_link", "amount", "currency", "provider", "status", "by_hand",
                    "provider_reference", "receipt", "failure_reason")
    list_filter = ("status", "provider", "by_hand", "currency")
    search_fields = ("order__order_number", "provider_reference", "receipt", "payment__reference", "attempt__receipt",
                     "unmatched__receipt")
    list_select_related = ("order", "unmatched")
    raw_id_fields = ("order", "unmatched", "payment", "attempt", "requested_by")
    actions = ("retry_failed", "mark_returned_by_hand")

    @admin.display(description="Unmatched money", ordering="unmatched__receipt")
    def unmatched_link(self, refund):
        if not refund.unmatched_id:
            return "-"
        url = reverse("admin:payments_unmatchedpayment_change", args=[refund.unmatched_id])
        return format_html('<a href="{}">{}</a>', url, refund.unmatched.receipt)

    @admin.action(description="Send selected failed refunds again")
    def retry_failed(self, request, queryset):
        self._each(request, queryset, refund_retry, "refund(s) sent again")

    @admin.action(description="Mark selected cash refunds returned to the buyer")
    def mark_returned_by_hand(self, request, queryset):
        self._each(request, queryset, partial(refund_returned_by_hand, by_user=request.user),
                   "cash refund(s) marked returned")

    def _each(self, request, queryset, service, done: str):
        """Counts the refunds the service acted on; warns why for the others."""
        count = 0
        for refund in queryset.select_related("order", "unmatched"):
            try:
                service(refund_id=refund.pk)
                count += 1
            except DomainError as exc:
                of = refund.order.order_number if refund.order_id else refund.unmatched.receipt
                self.message_user(request, f"{of} {refund.amount} {refund.currency}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{count} {done}.")


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

    list_display = ("created", "provider", "outcome", "detail", "remote_addr", "attempt", "refund")
    list_filter = ("provider", "outcome")
    search_fields = ("body", "detail", "attempt__provider_reference", "refund__provider_reference")
    list_select_related = ("attempt", "refund")


class UnmatchedRefundInline(RefundInline):
    fields = ("created", "amount", "currency", "provider", "status", "provider_reference", "receipt", "failure_reason",
              "requested_by")
    readonly_fields = fields


class AssignToOrderForm(forms.Form):
    order_number = forms.CharField(max_length=20, label="Order number")


@admin.register(UnmatchedPayment)
class UnmatchedPaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Money no order could take. Read-only: staff assign it to an order or refund it to the payer
    with the actions; its refunds (and why one failed) show on the list and the page."""

    list_display = ("received_at", "provider", "receipt", "amount", "currency", "account_reference", "payer_name",
                    "payer_phone", "status", "reason", "order", "last_refund")
    list_filter = ("status", "provider")
    search_fields = ("receipt", "account_reference")
    list_select_related = ("order",)
    raw_id_fields = ("order", "payment", "resolved_by")
    actions = ("assign_to_order", "refund_to_payer")
    inlines = (UnmatchedRefundInline,)

    def get_queryset(self, request):
        newest = Refund.objects.filter(unmatched=OuterRef("pk")).order_by("-created")
        return super().get_queryset(request).annotate(
            last_refund_status=Subquery(newest.values("status")[:1]),
            last_refund_failure=Subquery(newest.values("failure_reason")[:1]))

    @admin.display(description="Refund to the payer")
    def last_refund(self, unmatched) -> str:
        if not unmatched.last_refund_status:
            return "-"
        if unmatched.last_refund_status == Refund.Status.FAILED:
            return f"FAILED: {unmatched.last_refund_failure}"
        return unmatched.last_refund_status

    def has_assign_permission(self, request) -> bool:
        return request.user.has_perm("payments.assign_unmatchedpayment")

    def has_refund_permission(self, request) -> bool:
        return request.user.has_perm("payments.refund_unmatchedpayment")

    @admin.action(description="Refund to the payer", permissions=["refund"])
    def refund_to_payer(self, request, queryset):
        """Sends each selected payment back, whole, through its provider; says per payment whether
        the money went back, is on its way (the provider answers later) or why it did not."""
        for unmatched in queryset.order_by("received_at"):
            try:
                refund = unmatched_payment_refund(unmatched_id=unmatched.pk, by_user=request.user)
            except DomainError as exc:
                self.message_user(request, f"{unmatched.receipt}: not refunded: {exc.message}", messages.ERROR)
                continue
            money = f"{refund.currency} {refund.amount}"
            if refund.status == Refund.Status.DONE:
                self.message_user(request, f"{unmatched.receipt}: {money} refunded to the payer ({refund.provider} "
                                           f"receipt {refund.receipt}).")
            elif refund.status == Refund.Status.PENDING:
                self.message_user(request, f"{unmatched.receipt}: refund of {money} sent; the provider answers "
                                           "later.", messages.WARNING)
            else:
                self.message_user(request, f"{unmatched.receipt}: the refund of {money} failed: "
                                           f"{refund.failure_reason}. The money stays open.", messages.ERROR)

    @admin.action(description="Assign to an order…", permissions=["assign"])
    def assign_to_order(self, request, queryset):
        """Asks for the order number, then credits each selected payment to it (each refused with
        its reason when the order cannot take it)."""
        form = AssignToOrderForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(request, "admin/payments/unmatchedpayment/assign.html", {
                **self.admin_site.each_context(request), "title": "Assign unmatched money to an order",
                "opts": self.model._meta, "queryset": queryset, "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME})
        for unmatched in queryset.order_by("received_at"):
            try:
                assigned = unmatched_payment_assign(unmatched_id=unmatched.pk,
                                                    order_number=form.cleaned_data["order_number"],
                                                    by_user=request.user)
            except DomainError as exc:
                self.message_user(request, f"{unmatched.receipt}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{assigned.receipt}: {assigned.currency} {assigned.amount} credited to "
                                           f"order {assigned.order.order_number}.")
        return None
