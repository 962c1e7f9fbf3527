"""Creating, changing and deleting promotions; every rule about their fields lives here.

Both API shapes call these with the model's field names and pass `field_names`, their own name
for each field, so that a 400 names the field the client sent.
"""
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from mookh.core.errors import InvalidInput
from promos.errors import PromoInUse
from promos.models import PromoCode, Promotion
from promos.selectors import stores_managed_by
from promos.services.codes import code_rename, codes_add
from stores.models import Album, Category, Event, EventCategory, Store, Ticket

RULE_FIELDS = ("event_id", "name", "discount_type", "percent_discount", "fixed_discount", "minimum_amount",
               "usage_type", "max_uses", "max_uses_per_user", "starts_at", "ends_at", "expiry_date",
               "is_active", "is_custom")


def _bound(value, tz: ZoneInfo, *, end: bool):
    """A date means its whole day in the store's time zone; a naive datetime is the store's local time."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, tz)
    if isinstance(value, date):
        return datetime.combine(value, time.max if end else time.min, tzinfo=tz)
    return value


def _store_for(*, actor, store_id) -> Store | None:
    return stores_managed_by(actor).filter(pk=store_id).first() if store_id else None


def _amount_problems(p: Promotion) -> dict[str, str]:
    problems = {}
    if p.percent_discount is not None and not Decimal(0) < p.percent_discount <= 100:
        problems["percent_discount"] = "A percentage must be more than 0 and at most 100."
    elif p.discount_type == Promotion.DiscountType.PERCENT and p.percent_discount is None:
        problems["percent_discount"] = "Give the percentage for a PERCENT discount."
    if p.fixed_discount is not None and p.fixed_discount < 0:
        problems["fixed_discount"] = "The amount may not be negative."
    elif p.discount_type == Promotion.DiscountType.FIXED and p.fixed_discount is None:
        problems["fixed_discount"] = "Give the amount for a FIXED discount."
    if p.minimum_amount is None or p.minimum_amount < 0:
        problems["minimum_amount"] = "The minimum amount may not be negative."
    return problems


def _limit_problems(p: Promotion) -> dict[str, str]:
    problems = {}
    if p.max_uses is not None and p.max_uses < 1:
        problems["max_uses"] = "Allow at least one use, or leave it empty for no limit."
    if p.max_uses_per_user is not None and p.max_uses_per_user < 1:
        problems["max_uses_per_user"] = "Allow at least one use per customer."
    elif p.usage_type == Promotion.UsageType.X_USES_PER_PERSON and p.max_uses_per_user is None:
        problems["max_uses_per_user"] = "Give the number of uses per customer for X_USES_PER_PERSON."
    if p.starts_at and p.ends_at and p.ends_at < p.starts_at:
        problems["ends_at"] = "The end must not be before the start."
    if p.event_id and not Event.objects.filter(pk=p.event_id, store_id=p.store_id).exists():
        problems["event"] = "Unknown event for this store."
    return problems


def _unknown(ids, *querysets) -> list[str]:
    wanted = {str(i) for i in ids}
    found = set()
    for queryset in querysets:
        found |= {str(pk) for pk in queryset.filter(pk__in=wanted).values_list("pk", flat=True)}
    return sorted(wanted - found)


def _applicability_problems(p: Promotion) -> dict[str, list[str]]:
    checks = (
        ("products", p.applicable_products, (Event.objects.filter(store_id=p.store_id),
                                             Album.objects.filter(store_id=p.store_id))),
        ("categories", p.applicable_categories, (EventCategory.objects.all(), Category.objects.all())),
        ("product_prices", p.applicable_product_prices, (Ticket.objects.filter(event__store_id=p.store_id),)),
    )
    messages = [f"{name}: unknown for this store: {', '.join(missing)}." for name, ids, querysets in checks
                if (missing := _unknown(ids, *querysets))]
    if not p.applicable_all and not (p.applicable_products or p.applicable_categories
                                     or p.applicable_product_prices):
        messages.append("Choose all, or at least one product, category or product price.")
    return {"applicable_on": messages} if messages else {}


def _check(promotion: Promotion, names: dict[str, str]) -> None:
    problems = {**_amount_problems(promotion), **_limit_problems(promotion), **_applicability_problems(promotion)}
    if problems:
        raise InvalidInput({names.get(field, field): message for field, message in problems.items()})


def _apply_applicable_on(promotion: Promotion, applicable_on: dict | None) -> None:
    if applicable_on is None:
        return
    lists = {key: [str(i) for i in applicable_on.get(key) or []]
             for key in ("products", "categories", "product_prices")}
    promotion.applicable_all = applicable_on.get("all", not any(lists.values()))
    promotion.applicable_products = lists["products"]
    promotion.applicable_categories = lists["categories"]
    promotion.applicable_product_prices = lists["product_prices"]


def _apply(promotion: Promotion, changes: dict, applicable_on: dict | None) -> None:
    tz = ZoneInfo(promotion.store.time_zone)
    for field in RULE_FIELDS:
        if field in changes:
            setattr(promotion, field, changes[field])
    # Only the amount the discount type selects is kept (clients send both).
    unused = {Promotion.DiscountType.PERCENT: "fixed_discount", Promotion.DiscountType.FIXED: "percent_discount"}
    if promotion.discount_type in unused:
        setattr(promotion, unused[promotion.discount_type], None)
    promotion.starts_at = _bound(promotion.starts_at, tz, end=False)
    promotion.ends_at = _bound(promotion.ends_at, tz, end=True)
    if promotion.minimum_amount is None:
        promotion.minimum_amount = Decimal(0)
    _apply_applicable_on(promotion, applicable_on)


@transaction.atomic
def promotion_create(*, actor, store_id, kind: str, discount_type: str, applicable_on: dict | None = None,
                     codes=(), generate: int = 0, field_names: dict[str, str] | None = None,
                     **rules) -> Promotion:
    """A promotion with its codes. `rules` are Promotion fields (RULE_FIELDS); dates may be plain dates."""
    names = field_names or {}
    store = _store_for(actor=actor, store_id=store_id)
    if store is None:
        raise InvalidInput({names.get("store", "store"): "Unknown store, or not one of yours."})
    promotion = Promotion(store=store, kind=kind)
    _apply(promotion, {**rules, "discount_type": discount_type}, applicable_on)
    _check(promotion, names)
    if not codes and not generate:
        raise InvalidInput({names.get("codes", "codes"): "Give the codes, or how many to generate."})
    promotion.save()
    codes_add(promotion=promotion, codes=codes, generate=generate, field_names=names)
    return promotion


def _limits_sync(promotion: Promotion, names: dict[str, str]) -> None:
    """Copy max_uses to the codes; the CHECK refuses a limit below uses already made."""
    try:
        with transaction.atomic():
            PromoCode.objects.filter(promotion=promotion).update(max_uses=promotion.max_uses)
    except IntegrityError:
        raise InvalidInput({names.get("max_uses", "max_uses"):
                            "Lower than the uses already made of a code."}) from None


@transaction.atomic
def promotion_update(*, promotion: Promotion, applicable_on: dict | None = None, codes=(),
                     generate: int = 0, code: str | None = None, store_id=None,
                     field_names: dict[str, str] | None = None, **changes) -> Promotion:
    """Change rules; `codes`/`generate` add codes; `code` renames a promotion's only code."""
    names = field_names or {}
    promotion = Promotion.objects.select_for_update(of=("self",)).select_related("store").get(pk=promotion.pk)
    if store_id is not None and str(store_id) != str(promotion.store_id):
        raise InvalidInput({names.get("store", "store"): "A promotion cannot move to another store."})
    previous_max_uses = promotion.max_uses
    _apply(promotion, changes, applicable_on)
    _check(promotion, names)
    promotion.save()
    if promotion.max_uses != previous_max_uses:
        _limits_sync(promotion, names)
    if code is not None:
        only = promotion.codes.order_by("created").first()
        code_rename(promo_code=only, code=code, field=names.get("code", "code"))
    if codes or generate:
        codes_add(promotion=promotion, codes=codes, generate=generate, field_names=names)
    return promotion


@transaction.atomic
def promotion_delete(*, promotion: Promotion) -> None:
    """Delete a promotion and its codes; one whose codes were ever redeemed is kept (deactivate it).

    The codes are locked first, in the order redemptions lock them: an order redeeming one right
    now is waited for and then seen. A redemption that still slips in (a code added meanwhile)
    breaks the delete's foreign keys, checked here, inside a savepoint: that too is the 409."""
    list(PromoCode.objects.select_for_update().filter(promotion=promotion).order_by("pk").values_list("pk"))
    if PromoCode.objects.filter(promotion=promotion, redemptions__isnull=False).exists():
        raise PromoInUse()
    try:
        with transaction.atomic():
            promotion.delete()
            connection.check_constraints()
    except (ProtectedError, IntegrityError) as exc:
        raise PromoInUse() from exc
