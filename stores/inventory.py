"""Ticket inventory: every change is one conditional UPDATE, so no read-then-write race exists.

Rows are touched in primary-key order so that two orders over the same ticket types cannot
deadlock. The CHECK constraint `ticket_never_oversold` backs the same invariant in the database.
"""
import logging

from django.db import connection
from django.db.models import F, QuerySet

from mookh.core import metrics
from stores.errors import TicketSoldOut
from stores.models import Ticket

logger = logging.getLogger(__name__)


def tickets_reserve(*, quantities: dict) -> None:
    """Reserve `quantities` ({ticket_id: units}); raise TicketSoldOut if any type lacks units."""
    ordered = sorted(quantities.items(), key=lambda item: str(item[0]))
    if len(ordered) > 1 and connection.vendor == "postgresql":
        return _tickets_reserve_many(ordered)
    for ticket_id, units in ordered:
        updated = Ticket.objects.filter(
            pk=ticket_id, quantity__gte=F("sold") + F("reserved") + units
        ).update(reserved=F("reserved") + units)
        if not updated:
            metrics.sold_out_answered()
            raise TicketSoldOut(ticket_id=str(ticket_id))


def _tickets_reserve_many(ordered) -> None:
    """Several types in two statements whatever their number: lock in pk order, then one
    conditional UPDATE; a type left out of RETURNING lacked units and fails the whole order."""
    table = Ticket._meta.db_table
    ids = [str(ticket_id) for ticket_id, _ in ordered]
    values = ", ".join(["(%s::uuid, %s)"] * len(ordered))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE id = ANY(%s::uuid[]) ORDER BY id FOR UPDATE", [ids])
        cursor.execute(
            f"UPDATE {table} AS t SET reserved = t.reserved + v.units FROM (VALUES {values}) AS v(id, units) "
            "WHERE t.id = v.id AND t.quantity >= t.sold + t.reserved + v.units RETURNING t.id",
            [param for ticket_id, units in ordered for param in (str(ticket_id), units)],
        )
        reserved = {str(row[0]) for row in cursor.fetchall()}
    for ticket_id in ids:
        if ticket_id not in reserved:
            metrics.sold_out_answered()
            raise TicketSoldOut(ticket_id=ticket_id)


def tickets_release(*, quantities: dict) -> None:
    """Give reserved units back (expiry, cancellation)."""
    for ticket_id, units in sorted(quantities.items(), key=lambda item: str(item[0])):
        Ticket.objects.filter(pk=ticket_id).update(reserved=F("reserved") - units)


def tickets_convert_to_sold(*, quantities: dict) -> None:
    """Turn reserved units into sold ones (payment)."""
    for ticket_id, units in sorted(quantities.items(), key=lambda item: str(item[0])):
        Ticket.objects.filter(pk=ticket_id).update(reserved=F("reserved") - units, sold=F("sold") + units)


def tickets_sold_return(*, quantities: dict) -> None:
    """Put sold units back on sale (refund). Conditional: `sold` never drops below 0; a type that
    counts fewer sold units than asked is left as it is."""
    for ticket_id, units in sorted(quantities.items(), key=lambda item: str(item[0])):
        if not Ticket.objects.filter(pk=ticket_id, sold__gte=units).update(sold=F("sold") - units):
            logger.warning("ticket %s: %d units to put back on sale, fewer sold", ticket_id, units)


def tickets_lock(tickets: QuerySet[Ticket]) -> list[Ticket]:
    """Lock `tickets` in primary-key order and return them as committed now.

    Orders reserve by updating these rows: an order in flight either commits before the lock is
    granted (its units are then seen) or waits for the caller's transaction to end."""
    return list(tickets.select_for_update().order_by("pk"))
