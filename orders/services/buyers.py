"""Per-buyer limits: a buyer is the same person when either the phone or the email matches."""
import zlib

from django.db import connection
from django.db.models import Sum

from mookh.core.identity import same_person_q
from orders.errors import BuyerLimitReached
from orders.models import OrderLine
from orders.services.status import HOLDING_STOCK


def _buyer_locks(ticket_ids, *, email: str, phone: str) -> None:
    """Serialize orders of the same buyer for the same limited ticket type (PostgreSQL only).

    Transaction-scoped advisory locks, taken in sorted order, so the count below cannot race
    with another order of the same buyer; other buyers are not slowed down.
    """
    if connection.vendor != "postgresql":
        return
    keys = sorted({zlib.crc32(f"buyer:{ticket_id}:{who.lower()}".encode())
                   for ticket_id in ticket_ids for who in (email, phone) if who})
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join("pg_advisory_xact_lock(%s)" for _ in keys), keys)


def buyer_limits_check(lines, *, email: str, phone: str) -> None:
    limited = {}
    for line in lines:
        limit = getattr(line.item, "max_per_buyer", None)
        if limit:
            limited.setdefault(line.item.pk, [limit, 0])[1] += line.quantity
    if not limited:
        return
    _buyer_locks(limited, email=email, phone=phone)
    held = dict(
        OrderLine.objects.filter(ticket_id__in=limited, order__status__in=HOLDING_STOCK)
        .filter(same_person_q(email=email, phone=phone, email_field="order__customer_email",
                              phone_field="order__customer_phone"))
        .values("ticket_id").annotate(units=Sum("item_quantity")).values_list("ticket_id", "units")
    )
    for ticket_id, (limit, wanted) in limited.items():
        if held.get(ticket_id, 0) + wanted > limit:
            raise BuyerLimitReached(ticket_id=str(ticket_id), max_per_buyer=limit,
                                    already_held=held.get(ticket_id, 0))
