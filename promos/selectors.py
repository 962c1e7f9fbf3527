"""Reads: who sees which promotions, code look-ups, a customer's prior uses, quotes for a cart line."""
from uuid import UUID

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from mookh.core.errors import InvalidInput, NotFound
from mookh.core.identity import email_identity, same_person_q
from mookh.core.phone import InvalidPhoneNumber, phone_normalize
from promos.models import PromoCode, Promotion, Redemption
from promos.pricing import CartLine, PromoQuote, PromoRules, promo_discount
from stores.models import Album, Store, Ticket
from stores.selectors import SALE_CLOSED_MESSAGES, album_on_sale, item_unit_price, ticket_sale_closed_reason
from users.models import Role
from users.selectors import user_is_super_admin, user_roles

TICKET = Ticket.TYPE_NAME
ALBUM = Album.TYPE_NAME


def user_manages_promotions(user) -> bool:
    """Owners and super admins manage promotions; agents and customers do not."""
    return user_is_super_admin(user) or Role.STORE_OWNER in user_roles(user)


def stores_managed_by(user) -> QuerySet[Store]:
    if user_is_super_admin(user):
        return Store.objects.all()
    if not user_manages_promotions(user):
        return Store.objects.none()
    return Store.objects.filter(owner=user)


def store_managed_get(*, user, store_id) -> Store:
    """The store if `user` may manage its promotions; otherwise NotFound (it is not theirs to see)."""
    store = stores_managed_by(user).filter(pk=store_id).first()
    if store is None:
        raise NotFound("Store not found.")
    return store


def promotions_visible_to(user, *, kind: str) -> QuerySet[Promotion]:
    codes = Prefetch("codes", queryset=PromoCode.objects.only("id", "promotion_id", "code", "uses").order_by("code"))
    # A subquery, not a join: filters and searches over codes must not multiply the sum.
    uses = (PromoCode.objects.filter(promotion=OuterRef("pk")).order_by().values("promotion")
            .annotate(total=Sum("uses")).values("total"))
    return (Promotion.objects.filter(kind=kind, store__in=stores_managed_by(user))
            .prefetch_related(codes)
            .annotate(times_used=Coalesce(Subquery(uses), 0))
            .order_by("-created", "pk"))


def promo_code_find(*, store_id, code: str) -> PromoCode | None:
    """The store's code, matched case-insensitively, with its promotion and store loaded."""
    text = (code or "").strip()
    if not text:
        return None
    return (PromoCode.objects.select_related("promotion", "promotion__store")
            .filter(store_id=store_id, code__iexact=text).first())


def _ids(values) -> frozenset[str]:
    return frozenset(str(value) for value in values or ())


def promo_rules_for(promo_code: PromoCode) -> PromoRules:
    """The rules the pure pricing function takes, from a code loaded by `promo_code_find`."""
    promotion = promo_code.promotion
    return PromoRules(
        promo_code_id=promo_code.pk, code=promo_code.code, store_id=promotion.store_id,
        currency=promotion.store.default_currency, time_zone=promotion.store.time_zone,
        event_id=promotion.event_id, discount_type=promotion.discount_type,
        percent_discount=promotion.percent_discount, fixed_discount=promotion.fixed_discount,
        minimum_amount=promotion.minimum_amount, usage_type=promotion.usage_type,
        max_uses=promotion.max_uses, max_uses_per_user=promotion.max_uses_per_user, uses=promo_code.uses,
        starts_at=promotion.starts_at, ends_at=promotion.ends_at, expiry_date=promotion.expiry_date,
        is_active=promotion.is_active, applicable_all=promotion.applicable_all,
        products=_ids(promotion.applicable_products), categories=_ids(promotion.applicable_categories),
        product_prices=_ids(promotion.applicable_product_prices),
    )


def customer_identity(*, email: str | None, phone: str | None) -> tuple[str, str]:
    """Normalized (email, phone) as redemptions store them: the mailbox (plus-tags and Gmail dots
    removed, see mookh.core.identity), E.164 phone."""
    email = email_identity(email or "") if email else ""
    phone = (phone or "").strip()
    if phone:
        try:
            phone = phone_normalize(phone)
        except InvalidPhoneNumber:
            pass
    return email, phone


def customer_match(*, email: str, phone: str) -> Q | None:
    """Redemptions of the same person: either the email or the phone matches."""
    return same_person_q(email=email, phone=phone)


def promo_customer_uses(*, promo_code, email: str | None, phone: str | None) -> int:
    """Units in this customer's live (RESERVED or CONFIRMED) redemptions of `promo_code`."""
    email, phone = customer_identity(email=email, phone=phone)
    condition = customer_match(email=email, phone=phone)
    if condition is None:
        return 0
    total = (Redemption.objects.filter(promo_code=promo_code, status__in=Redemption.LIVE)
             .filter(condition).aggregate(total=Sum("units"))["total"])
    return total or 0


def _on_sale_check(closed_reason: str | None) -> None:
    if closed_reason is not None:
        raise InvalidInput({"item_id": SALE_CLOSED_MESSAGES[closed_reason]}, code=closed_reason)


def promo_cart_line(*, item_id, type_name: str, quantity: int, currency: str | None = None, now=None) -> CartLine:
    """A cart line for an item by its API type name; InvalidInput naming the field when the item cannot be
    priced or is not on sale at `now` (stores.selectors decides what is on sale)."""
    try:
        UUID(str(item_id))
    except ValueError:
        raise InvalidInput({"item_id": "Unknown item."}) from None
    if type_name == TICKET:
        ticket = Ticket.objects.select_related("event__store").filter(pk=item_id).first()
        if ticket is None:
            raise InvalidInput({"item_id": "Unknown item."})
        _on_sale_check(ticket_sale_closed_reason(ticket, now=now or timezone.now()))
        store, event = ticket.event.store, ticket.event
        line = dict(event_id=event.pk, category_id=event.event_category_id, ticket_id=ticket.pk)
        item = ticket
    elif type_name == ALBUM:
        album = Album.objects.select_related("store").filter(pk=item_id).first()
        if album is None:
            raise InvalidInput({"item_id": "Unknown item."})
        _on_sale_check(None if album_on_sale(album) else "not_published")
        store = album.store
        line = dict(event_id=None, category_id=album.category_id, ticket_id=None)
        item = album
    else:
        raise InvalidInput({"type_name": f"Choose {TICKET} or {ALBUM}."})
    currency = (currency or store.default_currency).upper()
    unit_price = item_unit_price(item, currency)
    if unit_price is None:
        raise InvalidInput({"currency": f"This item has no price in {currency}."})
    return CartLine(item_id=item_id, type_name=type_name, store_id=store.pk, unit_price=unit_price,
                    quantity=quantity, currency=currency, **line)


def promo_quote(*, code: str, line: CartLine, email: str | None = None, phone: str | None = None,
                now=None) -> tuple[PromoQuote, PromoCode | None]:
    """What `code` (looked up in the line's store) gives `line` for this customer, right now."""
    promo_code = promo_code_find(store_id=line.store_id, code=code)
    if promo_code is None:
        return promo_discount(rules=None, line=line, customer_uses=0, now=now or timezone.now()), None
    uses = promo_customer_uses(promo_code=promo_code, email=email, phone=phone)
    quote = promo_discount(rules=promo_rules_for(promo_code), line=line, customer_uses=uses,
                           now=now or timezone.now())
    return quote, promo_code
