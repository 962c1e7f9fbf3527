from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from mookh.core.models import TimeStamped


class OrderStatus(models.TextChoices):
    PENDING = "PENDING"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    REFUNDED = "REFUNDED"


class PaymentMethod(models.TextChoices):
    MOBILE = "MOBILE"
    CARD = "CARD"
    CASH = "CASH"
    MOBILE_CASH = "MOBILE_CASH"


class OrderChannel(models.TextChoices):
    WEB = "WEB"
    POS = "POS"
    API = "API"
    ADMIN = "ADMIN"


class Order(TimeStamped):
    order_number = models.CharField(max_length=6, unique=True)
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    currency = models.CharField(max_length=3)
    payment_method = models.CharField(max_length=12, choices=PaymentMethod.choices)
    exact_payment_method = models.CharField(max_length=12, blank=True)
    order_channel = models.CharField(max_length=8, choices=OrderChannel.choices, default=OrderChannel.WEB)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="placed_orders")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="agent_orders")
    customer_name = models.CharField(max_length=200)
    customer_email = models.EmailField(blank=True)  # empty for a gate walk-up who gave only a phone
    # The mailbox `customer_email` reaches (mookh.core.identity.email_identity): per-buyer limits.
    customer_email_identity = models.CharField(max_length=254, blank=True, default="")
    customer_phone = models.CharField(max_length=16)
    payer_name = models.CharField(max_length=200, null=True, blank=True)
    payer_email = models.EmailField(null=True, blank=True)
    payer_phone = models.CharField(max_length=16, null=True, blank=True)
    order_amount = models.DecimalField(max_digits=14, decimal_places=2)
    amount_paid = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    payment_installments = models.PositiveSmallIntegerField(default=1)
    is_pay_later = models.BooleanField(default=False)
    is_gate_purchase = models.BooleanField(default=False)
    is_promo_order = models.BooleanField(default=False)
    registration_data = models.JSONField(default=list, blank=True)
    payment_reference = models.CharField(max_length=100, null=True, blank=True)
    short_url = models.URLField(null=True, blank=True)
    order_udf = models.CharField(max_length=255, blank=True)
    card = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the reminder job should next look at this order (pay-later and installment orders).
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    flag_email_sent = models.BooleanField(default=False)
    flag_sms_sent = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["customer_phone"]),
            models.Index(fields=["customer_email"]),
            models.Index(fields=["customer_email_identity"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_paid__gte=0) & Q(amount_paid__lte=F("order_amount")),
                                   name="order_paid_within_amount"),
            models.CheckConstraint(condition=Q(payment_installments__gte=1), name="order_installments_positive"),
        ]

    def __str__(self):
        return self.order_number

    @property
    def order_balance(self) -> Decimal:
        return self.order_amount - self.amount_paid

    @property
    def is_pos(self) -> bool:
        return self.payment_method in (PaymentMethod.CASH, PaymentMethod.MOBILE_CASH)


class OrderLine(TimeStamped):
    """One item of an order: a catalogue ticket type or album, or an external line (an API client's
    own product, sold elsewhere: recorded with its price, holding no stock)."""

    EXTERNAL = "external"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    type_name = models.CharField(max_length=32)
    ticket = models.ForeignKey("stores.Ticket", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="order_lines")
    album = models.ForeignKey("stores.Album", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="order_lines")
    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="order_lines")
    name = models.CharField(max_length=200)
    item_quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    promo_code = models.CharField(max_length=64, null=True, blank=True)
    promo_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    selling_price = models.DecimalField(max_digits=14, decimal_places=2)
    ticket_names = models.JSONField(default=list, blank=True)
    data_entries = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # What an API client calls this line, and the rest of what it sent about it (echoed back to it).
    source_id = models.CharField(max_length=200, blank=True, default="")
    client_data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=Q(item_quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(selling_price__gte=0), name="order_line_price_not_negative"),
            # A catalogue line names its ticket type or album; an external line names neither.
            models.CheckConstraint(
                condition=(Q(type_name="external", ticket__isnull=True, album__isnull=True)
                           | (~Q(type_name="external") & (Q(ticket__isnull=False) | Q(album__isnull=False)))),
                name="order_line_item_matches_type"),
        ]

    def __str__(self):
        return f"{self.item_quantity} × {self.name}"

    @property
    def item_id(self):
        return self.ticket_id or self.album_id

    @property
    def is_external(self) -> bool:
        return self.type_name == self.EXTERNAL


class IdempotencyKey(models.Model):
    """The first answer to an order request carrying an `Idempotency-Key` header (kept 24 h)."""

    key = models.CharField(max_length=255, unique=True)
    request_hash = models.CharField(max_length=64)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="idempotency_keys")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.key


# The Voucherify-compatible API's models live with their package; importing them here registers them.
from orders.voucherify.models import ApiCustomer, ApiOrder, AsyncAction, OrderExport  # noqa: E402, F401
