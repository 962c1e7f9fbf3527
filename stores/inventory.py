"""Ticket inventory: every change is one conditional UPDATE, so no read-then-write race exists.

Rows are touched in primary-key order so that two orders over the same ticket types cannot
deadlock. The CHECK constraint `ticket_never_oversold` backs the same invariant in the database.
"""
from django.db.models import F

from stores.errors import TicketSoldOut
from stores.models import Ticket


def tickets_reserve(*, quantities: dict) -> None:
    """Reserve `quantities` ({ticket_id: units}); raise TicketSoldOut if any type lacks units."""
    for ticket_id, units in sorted(quantities.items(), key=lambda item: str(item[0])):
        updated = Ticket.objects.filter(
            pk=ticket_id, quantity__gte=F("sold") + F("reserved") + units
        ).update(reserved=F("reserved") + units)
        if not updated:
            raise TicketSoldOut(ticket_id=str(ticket_id))


def tickets_release(*, quantities: dict) -> None:
    """Give reserved units back (expiry, cancellation)."""
    for ticket_id, units in sorted(quantities.items(), key=lambda item: str(item[0])):
        Ticket.objects.filter(pk=ticket_id).update(reserved=F("reserved") - units)


def tickets_convert_to_sold(*, quantities: dict) -> None:
    """Turn reserved units into sold ones (payment)."""
    for ticket_id, units in sorted(quantities.items(), key=lambda item: str(item[0])):
        Ticket.objects.filter(pk=ticket_id).update(reserved=F("reserved") - units, sold=F("sold") + units)


def tickets_unsell(*, quantities: dict) -> None:
    """Sold units back on sale (a paid order refunded or cancelled)."""
    for ticket_id, units in sorted(quantities.items(), key=lambda item: str(item[0])):
        Ticket.objects.filter(pk=ticket_id).update(sold=F("sold") - units)
