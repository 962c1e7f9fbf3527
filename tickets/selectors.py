"""Reads of issued tickets: what an order holds, what a gate syncs, what the statistics count."""
import uuid
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from orders.models import Order
from stores.models import Event
from stores.selectors import events_staffed_by
from tickets.models import IssuedTicket, IssuedTicketStatus

S = IssuedTicketStatus
# A sync's next `since` lies this far back: a ticket written by a transaction still open when the
# list was read appears in the next list instead of being missed. Lists overlap; gates merge them.
CHECK_IN_LIST_OVERLAP = timedelta(minutes=1)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def issued_ticket_counts_by_status(event_ids) -> dict:
    """{event_id: {"VALID": n, "CHECKED_IN": n, "VOID": n}} for every event asked for, in one query."""
    asked = {_uuid(event_id): event_id for event_id in event_ids}  # answer with the caller's own keys
    asked.pop(None, None)
    counts = {event_id: {status: 0 for status in S.values} for event_id in asked.values()}
    rows = (IssuedTicket.objects.filter(event_id__in=list(asked)).order_by().values("event_id", "status")
            .annotate(n=Count("pk")))
    for row in rows:
        counts[asked[row["event_id"]]][row["status"]] = row["n"]
    return counts


def event_tickets_by_status(event_ids) -> dict:
    """EVENT_STATISTICS_PROVIDERS: an event's `tickets_by_status` for its store's staff (one query)."""
    return {event_id: {"tickets_by_status": counts}
            for event_id, counts in issued_ticket_counts_by_status(event_ids).items()}


def order_tickets(*, order_id, line_id=None) -> list[IssuedTicket] | None:
    """The tickets of an order (or of one of its lines) for whoever holds the order's id; None: no such order."""
    order_id = _uuid(order_id)
    if order_id is None or not Order.objects.filter(pk=order_id).exists():
        return None
    tickets = IssuedTicket.objects.filter(order_id=order_id).select_related("ticket", "event", "order")
    if line_id is not None:
        tickets = tickets.filter(order_line_id=_uuid(line_id))
    return list(tickets.order_by("order_line__position", "sequence"))


def order_ticket_get(*, order_id, ticket_id) -> IssuedTicket | None:
    """One ticket, only through the order it belongs to: a wrong order id finds nothing."""
    order_id, ticket_id = _uuid(order_id), _uuid(ticket_id)
    if order_id is None or ticket_id is None:
        return None
    return IssuedTicket.objects.select_related("ticket", "event", "order").filter(
        pk=ticket_id, order_id=order_id).first()


def event_for_gate(user, event_id) -> Event | None:
    """The event, if `user` owns its store, works there as an agent, or is a super admin."""
    event_id = _uuid(event_id)
    return events_staffed_by(user).filter(pk=event_id).first() if event_id else None


def check_in_list(*, event: Event, since: datetime | None = None) -> dict:
    """Ticket ids a gate needs offline: issued (valid or in), checked in, void; changes after `since` only."""
    started = timezone.now()
    tickets: QuerySet = IssuedTicket.objects.filter(event=event).order_by()
    if since is not None:
        tickets = tickets.filter(updated__gt=since)
    lists = {S.VALID: [], S.CHECKED_IN: [], S.VOID: []}
    for ticket_id, status in tickets.values_list("pk", "status").iterator(chunk_size=5000):
        lists[status].append(str(ticket_id))
    return {
        "event": str(event.pk), "since": since, "next_since": started - CHECK_IN_LIST_OVERLAP,
        "issued": lists[S.VALID] + lists[S.CHECKED_IN], "checked_in": lists[S.CHECKED_IN], "void": lists[S.VOID],
    }


def events_with_check_in_counts(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Events annotated with issued, checked-in and void ticket counts (the admin's gate view)."""
    return queryset.annotate(
        tickets_issued=Count("issued_tickets", filter=~Q(issued_tickets__status=S.VOID)),
        tickets_checked_in=Count("issued_tickets", filter=Q(issued_tickets__status=S.CHECKED_IN)),
        tickets_void=Count("issued_tickets", filter=Q(issued_tickets__status=S.VOID)),
    )
