"""Per-buyer limits: a buyer is the same person when either the phone or the email matches.

Emails are compared by mailbox (`mookh.core.identity.email_identity`), stored on the order as
`customer_email_identity`, so plus-tags and Gmail dots do not make a new buyer.
"""
import zlib

from django.db import connection
from django.db.models import Q, Sum

from mookh.core.identity import same_person_q
from orders.errors import BuyerLimitReached
from orders.models import OrderLine
from orders.services.status import HOLDING_STOCK, OPEN

PAY_LATER_LIMIT_MESSAGE = "This buyer already holds the most tickets of this type allowed on pay-later terms."


def _buyer_locks(ticket_ids, *, email: str, phone: str) -> None:
    """Serialize orders of the same buyer for the same limited ticket type (PostgreSQL only).

    Transaction-scoped advisory locks, taken in sorted order, so the count below cannot race
    with another order of the same buyer; other buyers are not slowed down.
    """
    if connection.vendor != "postgresql":
        return
    keys = sorted({zlib.crc32(f"buyer:{ticket_id}:{who.lower()}".encode())
                   for ticket_id in ticket_ids for who in (email, phone) if who})
    if not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join("pg_advisory_xact_lock(%s)" for _ in keys), keys)


def _held(ticket_ids, *, email: str, phone: str, only_pay_later: bool = False) -> dict:
    """Units of each ticket type the buyer holds in live orders (pay-later ones only, if asked)."""
    person = same_person_q(email=email, phone=phone, email_field="order__customer_email_identity",
                           phone_field="order__customer_phone")
    if person is None:
        return {}
    lines = OrderLine.objects.filter(ticket_id__in=ticket_ids).filter(person)
    if only_pay_later:
        lines = lines.filter(order__status__in=OPEN).filter(
            Q(order__is_pay_later=True) | Q(order__payment_installments__gt=1))
    else:
        lines = lines.filter(order__status__in=HOLDING_STOCK)
    return dict(lines.values("ticket_id").annotate(units=Sum("item_quantity")).values_list("ticket_id", "units"))


def buyer_limits_check(lines, *, email: str, phone: str, pay_later: bool = False, lock: bool = True) -> None:
    """`max_per_buyer` over the buyer's live orders, and for a pay-later or installment order
    `pay_later_max_per_buyer` over their open pay-later orders. The answer says that a limit is
    reached, never what the buyer holds: anyone can name someone else's email or phone."""
    limits, pay_later_limits, wanted = {}, {}, {}
    for line in lines:
        item = line.item
        if getattr(item, "max_per_buyer", None):
            limits[item.pk] = item.max_per_buyer
        if pay_later and getattr(item, "pay_later_max_per_buyer", None):
            pay_later_limits[item.pk] = item.pay_later_max_per_buyer
        wanted[item.pk] = wanted.get(item.pk, 0) + line.quantity
    if not limits and not pay_later_limits:
        return
    if lock:
        _buyer_locks(set(limits) | set(pay_later_limits), email=email, phone=phone)
    for limited, only_pay_later, code in ((limits, False, "buyer_limit"), (pay_later_limits, True, "pay_later_limit")):
        if not limited:
            continue
        held = _held(limited, email=email, phone=phone, only_pay_later=only_pay_later)
        for ticket_id, limit in limited.items():
            if held.get(ticket_id, 0) + wanted[ticket_id] > limit:
                message = PAY_LATER_LIMIT_MESSAGE if only_pay_later else None
                raise BuyerLimitReached(message, code=code, ticket_id=str(ticket_id), limit=limit)
