"""Ticket types: prices, sales window and a quantity that never drops below what is sold or reserved."""
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from mookh.core.errors import InvalidInput
from stores.errors import CatalogObjectInUse
from stores.inventory import tickets_lock
from stores.models import Event, Schedule, Ticket
from stores.services.guards import attributes_set, object_delete, store_field_check, store_manage_require
from stores.services.prices import prices_resolve

logger = logging.getLogger(__name__)

COUNTERS = ("quantity", "sold", "reserved")


def _schedule_check(*, event: Event, schedule: Schedule | None) -> None:
    if schedule is not None and schedule.event_id != event.pk:
        raise InvalidInput({"schedule_fk": "Choose a schedule of this ticket's event."}, code="schedule_other_event")


def _sales_window_check(sales_start, sales_end) -> None:
    if sales_start and sales_end and sales_end < sales_start:
        raise InvalidInput({"sales_end": "Sales cannot end before they start."}, code="ends_before_start")


@transaction.atomic
def ticket_create(*, actor, event: Event, ticket_name: str, quantity: int, prices: dict | None = None,
                  ticket_value=None, schedule: Schedule | None = None, **fields) -> Ticket:
    store_field_check(actor=actor, store=event.store, field="event_fk")
    _schedule_check(event=event, schedule=schedule)
    _sales_window_check(fields.get("sales_start"), fields.get("sales_end"))
    currency = event.store.default_currency
    prices = prices_resolve(currency=currency, prices=prices, default_amount=ticket_value, default_field="ticket_value")
    ticket = Ticket.objects.create(event=event, schedule=schedule, ticket_name=ticket_name, quantity=quantity,
                                   prices=prices, ticket_value=Decimal(prices[currency]), **fields)
    logger.info("ticket type %s created for event %s", ticket.pk, event.pk)
    return ticket


@transaction.atomic
def ticket_update(*, ticket: Ticket, actor, **fields) -> Ticket:
    """Change a ticket type without ever writing `sold`/`reserved`, which orders move concurrently."""
    store_manage_require(actor=actor, store=ticket.event.store)
    event = fields.pop("event", ticket.event)
    if event.pk != ticket.event_id:
        raise InvalidInput({"event_fk": "A ticket type cannot move to another event."}, code="event_immutable")
    if "schedule" in fields:
        _schedule_check(event=event, schedule=fields["schedule"])
    _sales_window_check(fields.get("sales_start", ticket.sales_start), fields.get("sales_end", ticket.sales_end))
    if "prices" in fields or "ticket_value" in fields:
        currency = event.store.default_currency
        fields["prices"] = prices_resolve(currency=currency, prices=fields.get("prices"), current=ticket.prices,
                                          default_amount=fields.pop("ticket_value", None),
                                          default_field="ticket_value")
        fields["ticket_value"] = Decimal(fields["prices"][currency])
    quantity = fields.pop("quantity", None)
    if quantity is not None:
        ticket_quantity_set(ticket=ticket, quantity=quantity)
    for counter in COUNTERS:
        fields.pop(counter, None)
    attributes_set(ticket, fields)
    ticket.save(update_fields=[*fields, "updated"])
    ticket.refresh_from_db()
    return ticket


def ticket_quantity_set(*, ticket: Ticket, quantity: int) -> None:
    """One conditional UPDATE: the new quantity must cover the units already sold or reserved."""
    updated = Ticket.objects.filter(pk=ticket.pk, sold__lte=quantity - F("reserved")).update(quantity=quantity)
    if not updated:
        taken = Ticket.objects.filter(pk=ticket.pk).values_list(F("sold") + F("reserved"), flat=True).first()
        raise InvalidInput({"quantity": f"{taken} tickets are already sold or reserved; the quantity cannot be lower."},
                           code="quantity_below_sold")


@transaction.atomic
def ticket_delete(*, ticket: Ticket, actor) -> None:
    store_manage_require(actor=actor, store=ticket.event.store)
    if any(row.sold or row.reserved for row in tickets_lock(Ticket.objects.filter(pk=ticket.pk))):
        raise CatalogObjectInUse("Tickets of this type were sold or are reserved; unpublish it instead.")
    object_delete(ticket)


@transaction.atomic
def ticket_admin_save(*, ticket: Ticket, changed: list[str]) -> Ticket:
    """Save an admin edit without writing the counters orders move; quantity via the conditional UPDATE."""
    if ticket._state.adding:
        ticket.save()
        return ticket
    if "quantity" in changed:
        ticket_quantity_set(ticket=ticket, quantity=ticket.quantity)
    fields = [name for name in changed if name not in COUNTERS]
    if "prices" in fields:
        fields.append("ticket_value")
    ticket.save(update_fields=[*fields, "updated"])
    return ticket
