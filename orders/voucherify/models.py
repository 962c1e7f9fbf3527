"""What the Voucherify-compatible API keeps beside Mookh's orders. Imported by orders.models.

Ids are the client-facing ones Voucherify uses (`ord_…`, `cust_…`, `aa_…`, `exp_…`); amounts are
integers in minor units (cents), as the clients send them.
"""
import secrets

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from stores.storage import private_storage_callable


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(10)}"


def customer_id_new() -> str:
    return _new_id("cust")


def order_id_new() -> str:
    return _new_id("ord")


def async_action_id_new() -> str:
    return _new_id("aa")


def export_id_new() -> str:
    return _new_id("exp")


class ApiCustomer(models.Model):
    """A store's customer as its API client names it: by our id or by its own `source_id`."""

    id = models.CharField(primary_key=True, max_length=32, default=customer_id_new, editable=False)
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    source_id = models.CharField(max_length=200, null=True, blank=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    description = models.TextField(blank=True)
    birthdate = models.DateField(null=True, blank=True)
    address = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "API customer"
        constraints = [
            models.UniqueConstraint(fields=["store", "source_id"], condition=Q(source_id__isnull=False),
                                    name="api_customer_source_id_unique"),
        ]

    def __str__(self):
        return self.source_id or self.id


class ApiOrder(models.Model):
    """A Mookh order as an API client knows it. The order's items, money and Mookh status live on
    `order`; FULFILLED, which Mookh has no status for, is `fulfilled_at` on a PAID order."""

    id = models.CharField(primary_key=True, max_length=32, default=order_id_new, editable=False)
    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="+")
    # Re-pointed when the client changes the items of an unpaid order (placed again, the old one cancelled).
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="api_order")
    source_id = models.CharField(max_length=200, null=True, blank=True)
    customer = models.ForeignKey(ApiCustomer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    referrer = models.ForeignKey(ApiCustomer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    metadata = models.JSONField(default=dict, blank=True)
    amount = models.BigIntegerField(help_text="Minor units, before the order-level discount.")
    initial_amount = models.BigIntegerField(null=True, blank=True)
    discount_amount = models.BigIntegerField(default=0)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, help_text="The client's, or when it was made here.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "API order"
        constraints = [
            models.UniqueConstraint(fields=["store", "source_id"], condition=Q(source_id__isnull=False),
                                    name="api_order_source_id_unique"),
            models.CheckConstraint(condition=Q(discount_amount__gte=0) & Q(amount__gte=F("discount_amount")),
                                   name="api_order_discount_within_amount"),
        ]
        indexes = [
            models.Index(fields=["store", "created_at", "id"], name="api_order_store_created"),
            models.Index(fields=["store", "updated_at", "id"], name="api_order_store_updated"),
        ]

    def __str__(self):
        return self.id

    @property
    def total_amount(self) -> int:
        return self.amount - self.discount_amount


class AsyncAction(models.Model):
    """A background job a client polls: here an order import. A store's imports run one at a
    time, oldest first; `lease_until` lets another worker take over one whose worker died."""

    class Status(models.TextChoices):
        ENQUEUED = "ENQUEUED"
        IN_PROGRESS = "IN_PROGRESS"
        DONE = "DONE"
        FAILED = "FAILED"

    ORDERS_IMPORT = "ORDERS.IMPORT"

    id = models.CharField(primary_key=True, max_length=32, default=async_action_id_new, editable=False)
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=32, default=ORDERS_IMPORT)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ENQUEUED)
    payload = models.JSONField(default=list, blank=True, help_text="The orders to import; emptied once done.")
    total = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    operation_status = models.CharField(max_length=8, null=True, blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["store", "status", "created_at"], name="async_action_store_queue")]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="async_action_progress_max")]

    def __str__(self):
        return f"{self.type} {self.id} ({self.status})"


class OrderExport(models.Model):
    """A CSV of a store's API orders, built in the background into private storage."""

    class Status(models.TextChoices):
        SCHEDULED = "SCHEDULED"
        IN_PROGRESS = "IN_PROGRESS"
        DONE = "DONE"
        ERROR = "ERROR"

    id = models.CharField(primary_key=True, max_length=32, default=export_id_new, editable=False)
    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    parameters = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to="order_exports/", storage=private_storage_callable, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"export {self.id} ({self.status})"
