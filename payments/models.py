"""Payment attempts (one per prompt, card checkout or agent collection) and every callback received.

An attempt is ours; the money it brings is recorded as Payment rows, one per provider receipt
(a unique constraint), so a replayed callback can never credit twice. Refunds are money owed back.
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from mookh.core.models import TimeStamped


class Provider(models.TextChoices):
    MPESA = "mpesa", "M-Pesa"
    AIRTEL = "airtel", "Airtel Money"
    MTN = "mtn", "MTN MoMo"
    CYBERSOURCE = "cybersource", "Cybersource"


class PaymentAttempt(TimeStamped):
    """One request for money: STARTING (queued) → PENDING (the provider took it) → SUCCEEDED,
    FAILED or CANCELLED. Terminal states never change; a result arriving twice is a no-op."""

    class Status(models.TextChoices):
        STARTING = "STARTING"
        PENDING = "PENDING"
        SUCCEEDED = "SUCCEEDED"
        FAILED = "FAILED"
        CANCELLED = "CANCELLED"

    TERMINAL = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payment_attempts")
    provider = models.CharField(max_length=16, choices=Provider.choices)
    method = models.CharField(max_length=12, help_text="The exact method: MPESA, AIRTEL, MTNUG, AIRTELUG, CARD")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    phone = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STARTING)
    # What the provider names the attempt by: CheckoutRequestID, transaction_uuid, X-Reference-Id…
    provider_reference = models.CharField(max_length=100, null=True, blank=True)
    receipt = models.CharField(max_length=100, blank=True)
    amount_received = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    description = models.CharField(max_length=255, blank=True)
    # Money received that could not be credited (order closed, more than due, other currency): staff act.
    review_reason = models.CharField(max_length=255, blank=True)
    request_data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "created"])]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_reference"], name="attempt_provider_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=Decimal("0")), name="attempt_amount_positive"),
        ]

    def __str__(self):
        return f"{self.provider} {self.amount} {self.currency} for {self.order_id} ({self.status})"


class ProviderCallback(TimeStamped):
    """Every callback as it arrived, kept for audit whatever became of it."""

    class Outcome(models.TextChoices):
        CREDITED = "credited"
        DUPLICATE = "duplicate"
        NOT_PAID = "not_paid"          # a failure or cancellation, recorded on the attempt
        REVIEW = "review"              # money that could not be credited: flagged for staff
        UNKNOWN_REFERENCE = "unknown_reference"
        INVALID = "invalid"
        UNAUTHENTICATED = "unauthenticated"
        REFUNDED = "refunded"          # a refund's result: the money went back
        REFUND_FAILED = "refund_failed"  # a refund's result: the provider did not return the money

    provider = models.CharField(max_length=16, choices=Provider.choices)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    detail = models.CharField(max_length=255, blank=True)
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="callbacks")
    refund = models.ForeignKey("payments.Refund", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="callbacks")

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["provider", "outcome"])]

    def __str__(self):
        return f"{self.provider} callback ({self.outcome})"


class Payment(TimeStamped):
    """Money received for an order. (provider, reference) is unique: a replay credits once."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=32)
    reference = models.CharField(max_length=128)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="payments_received")
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="payment_provider_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.provider} {self.reference} {self.amount} {self.currency}"


class Refund(TimeStamped):
    """Money owed back to a customer, one provider payment at a time (payments/services/refunding.py).

    Reserved PENDING under the order's lock, sent to the provider that took the money outside any
    transaction, then DONE or FAILED with the provider's word. A provider that answers later
    (M-Pesa's reversal Result, an MTN refund still processing) leaves it PENDING with its
    `provider_reference` until it does. `by_hand` refunds (cash) are handed back by staff.
    `attempt` names money that arrived but was never credited (late money), refunded whole.
    A refund of unmatched money (`unmatched`, no order) returns a paybill payment no order took,
    whole, under that money's lock instead of an order's.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING"
        DONE = "DONE"
        FAILED = "FAILED"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="refunds")
    unmatched = models.ForeignKey("payments.UnmatchedPayment", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="refunds", help_text="Unmatched money sent back to the payer")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds")
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="refunds")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="refunds_requested")
    provider = models.CharField(max_length=32, blank=True)
    by_hand = models.BooleanField(default=False, help_text="Handed back by staff (cash): no provider is asked.")
    # What the provider names the refund request by: ConversationID, X-Reference-Id, refund id…
    provider_reference = models.CharField(max_length=100, blank=True)
    receipt = models.CharField(max_length=100, blank=True, help_text="The provider's reference of the money sent back.")
    failure_reason = models.CharField(max_length=255, blank=True)
    tries = models.PositiveSmallIntegerField(default=0, help_text="Requests to the provider so far (sent or asked).")
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a worker last took it to send.")
    sent_at = models.DateTimeField(null=True, blank=True,
                                   help_text="When the provider took the request; its result comes later.")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["provider", "provider_reference"]), models.Index(fields=["status", "created"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=Decimal("0")), name="refund_amount_positive"),
            models.CheckConstraint(condition=Q(payment__isnull=True) | Q(attempt__isnull=True),
                                   name="refund_of_a_payment_or_an_attempt"),
            models.UniqueConstraint(fields=["attempt"], condition=Q(attempt__isnull=False),
                                    name="refund_late_money_once"),
            models.CheckConstraint(condition=Q(order__isnull=False, unmatched__isnull=True)
                                   | Q(order__isnull=True, unmatched__isnull=False),
                                   name="refund_of_an_order_or_unmatched_money"),
            models.UniqueConstraint(fields=["unmatched"], condition=Q(unmatched__isnull=False,
                                                                      status__in=["PENDING", "DONE"]),
                                    name="refund_unmatched_money_once"),
        ]

    def __str__(self):
        owner = f"order {self.order_id}" if self.order_id else f"unmatched money {self.unmatched_id}"
        return f"refund {self.amount} {self.currency} for {owner} ({self.status})"


class UnmatchedPayment(TimeStamped):
    """Money a provider confirmed that no payable order could take (a paybill account number that
    names no order, an order closed or paid already, more than its balance, another currency):
    acknowledged to the provider, kept here until staff assign it to an order or refund it."""

    class Status(models.TextChoices):
        OPEN = "OPEN"
        ASSIGNED = "ASSIGNED"
        REFUNDED = "REFUNDED"

    provider = models.CharField(max_length=16, choices=Provider.choices)
    receipt = models.CharField(max_length=100, help_text="The provider's transaction id (M-Pesa TransID)")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    account_reference = models.CharField(max_length=100, blank=True, help_text="The account number as typed")
    payer_name = models.CharField(max_length=200, blank=True)
    payer_phone = models.CharField(max_length=20, blank=True, help_text="As the provider shows it (masked)")
    received_at = models.DateTimeField()
    raw = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=255)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="unmatched_payments", help_text="The order it was assigned to")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="unmatched_payment", help_text="The payment its assignment made")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="unmatched_payments_resolved")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "unmatched money"
        verbose_name_plural = "unmatched money"
        permissions = [("assign_unmatchedpayment", "Can assign unmatched money to an order"),
                       ("refund_unmatchedpayment", "Can refund unmatched money to the payer")]
        indexes = [models.Index(fields=["status", "received_at"])]
        constraints = [
            models.UniqueConstraint(fields=["provider", "receipt"], name="unmatched_provider_receipt_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="unmatched_amount_positive"),
            models.CheckConstraint(
                condition=(Q(status="OPEN", order__isnull=True, payment__isnull=True, resolved_at__isnull=True)
                           | Q(status="ASSIGNED", order__isnull=False, payment__isnull=False,
                               resolved_at__isnull=False)
                           | Q(status="REFUNDED", resolved_at__isnull=False)),
                name="unmatched_status_consistent"),
        ]

    def __str__(self):
        return f"{self.provider} {self.receipt} {self.amount} {self.currency} ({self.status})"
