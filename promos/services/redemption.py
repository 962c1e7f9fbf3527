"""Uses of codes by orders: reserve (order placed), confirm (paid), release (expired or cancelled).

Limits are enforced by the database, not by a read in Python: codes are locked in primary-key
order (no deadlock between two orders), the per-customer count is taken under that lock, and the
total is moved by a conditional UPDATE backed by the CHECK `promo_code_never_over_used`.
`PromoCode.uses` always equals the units of the code's RESERVED and CONFIRMED redemptions.
"""
from collections import defaultdict
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import F, Q, Sum

from mookh.core.errors import InvalidInput
from promos.errors import PromoExhausted, PromoPerPersonLimit
from promos.models import PromoCode, Promotion, Redemption
from promos.selectors import customer_identity, customer_match
from promos.types import RedemptionRequest

LOCK_TIMEOUT = "5s"


@contextmanager
def _lock_timeout():
    """Wait at most LOCK_TIMEOUT for row locks here (a timeout becomes a 503), then restore the setting."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                       [LOCK_TIMEOUT])
        previous = cursor.fetchone()[0]
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


def _per_person_check(code: PromoCode, request: RedemptionRequest, email: str, phone: str) -> None:
    promotion = code.promotion
    if promotion.usage_type != Promotion.UsageType.X_USES_PER_PERSON or promotion.max_uses_per_user is None:
        return
    condition = customer_match(email=email, phone=phone)
    if condition is None:
        raise InvalidInput({"customer": "An email or phone number is needed to use this promo code."})
    used = (Redemption.objects.filter(promo_code=code, status__in=Redemption.LIVE).filter(condition)
            .aggregate(total=Sum("units"))["total"] or 0)
    if used + request.units > promotion.max_uses_per_user:
        raise PromoPerPersonLimit(promo_code=code.code, limit=promotion.max_uses_per_user)


def _take(code: PromoCode, units: int) -> None:
    taken = (PromoCode.objects.filter(pk=code.pk)
             .filter(Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses") - units))
             .update(uses=F("uses") + units))
    if not taken:
        raise PromoExhausted(promo_code=code.code)


@transaction.atomic
def promo_uses_reserve(*, order_id, redemptions: list[RedemptionRequest]) -> list[Redemption]:
    """Reserve each request's units on its code and record one RESERVED redemption per request.

    Raises PromoExhausted or PromoPerPersonLimit (409); nothing is kept then (the caller's
    transaction, or this one, rolls back).
    """
    for request in redemptions:
        if request.units < 1:
            raise InvalidInput({"units": "At least one unit."})
    ordered = sorted(redemptions, key=lambda r: str(r.promo_code_id))
    created = []
    with _lock_timeout():
        codes = {str(code.pk): code for code in PromoCode.objects.select_for_update(of=("self",))
                 .select_related("promotion").filter(pk__in={r.promo_code_id for r in ordered}).order_by("pk")}
        for request in ordered:
            code = codes.get(str(request.promo_code_id))
            if code is None:
                raise InvalidInput({"promo_code_id": f"Unknown promo code {request.promo_code_id}."})
            email, phone = customer_identity(email=request.email, phone=request.phone)
            _per_person_check(code, request, email, phone)
            _take(code, request.units)
            created.append(Redemption.objects.create(
                promo_code=code, order_id=order_id, order_line_id=request.order_line_id, units=request.units,
                email=email, phone=phone, discount_amount=request.discount_amount))
    return created


@transaction.atomic
def promo_uses_release(*, order_id) -> None:
    """Give back the order's live uses (order expired, cancelled or refunded). Idempotent."""
    live = list(Redemption.objects.select_for_update().filter(order_id=order_id, status__in=Redemption.LIVE)
                .order_by("pk"))
    if not live:
        return
    units_by_code: dict = defaultdict(int)
    for redemption in live:
        units_by_code[redemption.promo_code_id] += redemption.units
    Redemption.objects.filter(pk__in=[r.pk for r in live]).update(status=Redemption.Status.RELEASED)
    with _lock_timeout():
        for code_id in sorted(units_by_code, key=str):
            PromoCode.objects.filter(pk=code_id).update(uses=F("uses") - units_by_code[code_id])


@transaction.atomic
def promo_uses_confirm(*, order_id) -> None:
    """The order is paid: its reserved uses are used for good. Idempotent."""
    Redemption.objects.filter(order_id=order_id, status=Redemption.Status.RESERVED).update(
        status=Redemption.Status.CONFIRMED)
