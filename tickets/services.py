"""Issuing tickets when an order is paid and voiding them when it is refunded.

The order engine runs `tickets_issue` and `tickets_void` inside its own transaction, through the
ORDER_PAID_HOOKS and ORDER_REFUNDED_HOOKS settings. Check-in (the gate's writes) lives in
tickets/checkin.py.
"""
import logging

from django.db import transaction
from django.utils import timezone

from orders.models import Order, OrderLine, OrderStatus
from tickets.errors import IssuedTicketNotFound
from tickets.models import IssuedTicket, IssuedTicketStatus

logger = logging.getLogger(__name__)


def _attendee(line: OrderLine, sequence: int, fallback: str) -> str:
    """The line's `ticket_names` in order (the first item_quantity of them); the customer for the rest."""
    names = line.ticket_names if isinstance(line.ticket_names, list) else []
    name = names[sequence - 1] if sequence <= len(names) else ""
    return (str(name or "").strip() or fallback)[:200]


@transaction.atomic
def tickets_issue(*, order: Order) -> int:
    """One VALID ticket per unit of every ticket line of a PAID order; returns how many were new.

    Idempotent: (order_line, sequence) is unique and conflicting rows are skipped, so paying
    twice, a retried task or two racing callers never issue a unit twice.
    """
    if order.status != OrderStatus.PAID:
        return 0
    issued_at = timezone.now().replace(microsecond=0)  # whole seconds, as the QR code carries it
    lines = OrderLine.objects.filter(order_id=order.pk, ticket__isnull=False).select_related("ticket")
    rows = [
        IssuedTicket(order_id=order.pk, order_line=line, sequence=sequence, ticket_id=line.ticket_id,
                     event_id=line.ticket.event_id, attendee=_attendee(line, sequence, order.customer_name),
                     issued_at=issued_at)
        for line in lines for sequence in range(1, line.item_quantity + 1)
    ]
    if not rows:
        return 0
    before = IssuedTicket.objects.filter(order_id=order.pk).count()
    IssuedTicket.objects.bulk_create(rows, ignore_conflicts=True)
    created = IssuedTicket.objects.filter(order_id=order.pk).count() - before
    if created:
        logger.info("order %s: %d tickets issued", order.order_number, created)
    return created


@transaction.atomic
def tickets_void(*, order: Order) -> int:
    """Void every ticket of an order (refund): the gate refuses them from now on. Idempotent."""
    now = timezone.now()
    voided = (IssuedTicket.objects.filter(order_id=order.pk).exclude(status=IssuedTicketStatus.VOID)
              .update(status=IssuedTicketStatus.VOID, voided_at=now, updated=now))
    if voided:
        logger.info("order %s: %d tickets voided", order.order_number, voided)
    return voided


@transaction.atomic
def issued_ticket_void(*, ticket_id) -> IssuedTicket:
    """Void one ticket (admin: a lost or resold ticket). Voiding a void ticket changes nothing."""
    now = timezone.now()
    IssuedTicket.objects.filter(pk=ticket_id).exclude(status=IssuedTicketStatus.VOID).update(
        status=IssuedTicketStatus.VOID, voided_at=now, updated=now)
    ticket = IssuedTicket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        raise IssuedTicketNotFound()
    return ticket
