"""Promotions: the rules (Promotion), the codes that carry them (PromoCode) and their uses (Redemption).

Both API shapes write the same rows: a Mookh promo code is a Promotion of kind SINGLE with one
code; a Bakeronline promo-code group is a Promotion of kind GROUP with many codes.
"""
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from mookh.core.models import TimeStamped
from stores.models import Event, Store


class Promotion(TimeStamped):
    class Kind(models.TextChoices):
        SINGLE = "SINGLE", "Promo code"
        GROUP = "GROUP", "Promo-code group"

    class DiscountType(models.TextChoices):
        PERCENT = "PERCENT"
        FIXED = "FIXED"

    class UsageType(models.TextChoices):
        X_USES_TOTAL = "X_USES_TOTAL"
        X_USES_PER_PERSON = "X_USES_PER_PERSON"

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="promotions")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True, related_name="promotions")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SINGLE)
    name = models.CharField(max_length=200, blank=True)
    discount_type = models.CharField(max_length=8, choices=DiscountType.choices)
    # Only the amount discount_type selects is kept (the other is null); it applies per unit.
    percent_discount = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    fixed_discount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    minimum_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0,
                                         help_text="Minimum line amount before discount")
    usage_type = models.CharField(max_length=17, choices=UsageType.choices, default=UsageType.X_USES_TOTAL)
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text="Per code, in units; empty = unlimited")
    max_uses_per_user = models.PositiveIntegerField(null=True, blank=True,
                                                    help_text="Per code and customer (X_USES_PER_PERSON)")
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True, help_text="Last valid day, in the store's time zone")
    is_active = models.BooleanField(default=True)
    is_custom = models.BooleanField(default=True, help_text="The merchant chose the code(s)")
    applicable_all = models.BooleanField(default=True)
    applicable_products = models.JSONField(default=list, blank=True, help_text="Event or album ids")
    applicable_categories = models.JSONField(default=list, blank=True,
                                             help_text="Event category or content category ids")
    applicable_product_prices = models.JSONField(default=list, blank=True, help_text="Ticket ids")

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["store", "kind", "-created"])]
        constraints = [
            models.CheckConstraint(condition=Q(percent_discount__isnull=True) |
                                   (Q(percent_discount__gt=0) & Q(percent_discount__lte=100)),
                                   name="promotion_percent_in_range"),
            models.CheckConstraint(condition=Q(fixed_discount__isnull=True) | Q(fixed_discount__gte=0),
                                   name="promotion_fixed_not_negative"),
            models.CheckConstraint(condition=Q(minimum_amount__gte=0), name="promotion_minimum_not_negative"),
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=True) |
                                   Q(ends_at__gte=F("starts_at")), name="promotion_ends_after_start"),
        ]

    def __str__(self):
        return self.name or f"{self.get_kind_display()} {self.pk}"


class PromoCode(TimeStamped):
    """One code. `uses` counts units of live (RESERVED + CONFIRMED) redemptions and moves only
    together with them; `max_uses` mirrors the promotion's so that a CHECK can guard the limit."""

    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="codes")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="promo_codes")
    code = models.CharField(max_length=32)
    uses = models.PositiveIntegerField(default=0)
    max_uses = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(F("store"), Upper("code"), name="promo_code_unique_per_store_ci"),
            models.CheckConstraint(condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")),
                                   name="promo_code_never_over_used"),
        ]

    def __str__(self):
        return self.code


class Redemption(models.Model):
    class Status(models.TextChoices):
        RESERVED = "RESERVED"
        CONFIRMED = "CONFIRMED"
        RELEASED = "RELEASED"

    LIVE = (Status.RESERVED, Status.CONFIRMED)

    id = models.BigAutoField(primary_key=True)
    promo_code = models.ForeignKey(PromoCode, on_delete=models.PROTECT, related_name="redemptions")
    # Not a foreign key: orders live in another app that depends on this one.
    order_id = models.UUIDField(db_index=True)
    order_line_id = models.UUIDField()
    units = models.PositiveIntegerField()
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=16, blank=True)
    discount_amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.RESERVED)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["promo_code", "email"], name="redemption_code_email"),
            models.Index(fields=["promo_code", "phone"], name="redemption_code_phone"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order_line_id", "promo_code"], name="redemption_once_per_line"),
            models.CheckConstraint(condition=Q(units__gt=0), name="redemption_units_positive"),
            models.CheckConstraint(condition=Q(discount_amount__gte=0), name="redemption_discount_not_negative"),
        ]

    def __str__(self):
        return f"{self.promo_code} × {self.units} ({self.status})"
