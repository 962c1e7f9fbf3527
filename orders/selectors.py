from decimal import ROUND_DOWN, Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum

from mookh.core.identity import email_identity
from orders.models import IssuedTicket, Order, OrderChannel, OrderLine, OrderStatus
from stores.models import MediaFile
from orders.tickets.selectors import issued_ticket_counts_by_status
from users.selectors import user_is_super_admin


def orders_with_lines() -> QuerySet[Order]:
    """Orders with everything their representation reads, in a fixed number of queries."""
    lines = OrderLine.objects.select_related(
        "store", "ticket__event", "album__category", "album__media_type", "album__store"
    ).prefetch_related(
        Prefetch("issued_tickets", queryset=IssuedTicket.objects.order_by("sequence")),
        Prefetch("album__media_files", queryset=MediaFile.objects.order_by("position", "created")),
    )
    return Order.objects.select_related("agent").prefetch_related(Prefetch("lines", queryset=lines))


def orders_visible_to(user) -> QuerySet[Order]:
    """Super admins: all; owners: orders with their items; agents: their POS orders; buyers: their own."""
    queryset = orders_with_lines()
    if user_is_super_admin(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    owned = OrderLine.objects.filter(store__owner=user).values("order_id")
    return queryset.filter(
        Q(pk__in=owned) | Q(agent=user, order_channel=OrderChannel.POS) | Q(placed_by=user)
    )


def orders_managed_by(user) -> QuerySet[Order]:
    """Orders the user may cancel or refund: super admins all; owners those whose every line is
    of their stores (an order shared with another store is that store's money too)."""
    if user_is_super_admin(user):
        return Order.objects.all()
    if not user.is_authenticated:
        return Order.objects.none()
    others = OrderLine.objects.exclude(store__owner=user).values("order_id")
    return Order.objects.filter(pk__in=OrderLine.objects.filter(store__owner=user).values("order_id")).exclude(
        pk__in=others)


def order_get_for_contact(*, order_number: str, phone: str | None = None, email: str | None = None,
                          user=None) -> Order | None:
    """The order with this number, for someone who proves a link to it: its customer's or payer's
    phone or email, or being signed in as whoever placed it or as staff who may see it.

    Order numbers are short and printed on tickets, so the number alone opens nothing.
    """
    order = Order.objects.filter(order_number=(order_number or "").strip().upper()).first()
    if order is None:
        return None
    if phone and phone in (order.customer_phone, order.payer_phone):
        return order
    if email and email_identity(email) in (order.customer_email_identity, email_identity(order.payer_email or "")):
        return order
    if user is not None and user.is_authenticated and (
            order.placed_by_id == user.pk or orders_visible_to(user).filter(pk=order.pk).exists()):
        return order
    return None


def installments_amount(order: Order) -> Decimal:
    """Each installment: the amount over the count rounded down to a whole unit; the last takes the rest."""
    if order.payment_installments == 1:
        return order.order_amount
    return (order.order_amount / order.payment_installments).to_integral_value(rounding=ROUND_DOWN)


def event_sales_statistics(event_ids) -> dict:
    """Per event: ticket units sold, units and amounts per order channel (paid orders), and
    issued tickets by status. Two queries for any number of events; amounts are per currency."""
    stats = {event_id: {"tickets_total_sales": 0, "tickets_sales_by_platform": {}, "tickets_by_status": {}}
             for event_id in event_ids}
    rows = (OrderLine.objects.filter(ticket__event_id__in=event_ids, order__status=OrderStatus.PAID)
            .values("ticket__event_id", "order__order_channel", "order__currency")
            .annotate(units=Sum("item_quantity"), amount=Sum("selling_price")).order_by())
    for row in rows:
        entry = stats[row["ticket__event_id"]]
        entry["tickets_total_sales"] += row["units"]
        channel = entry["tickets_sales_by_platform"].setdefault(row["order__order_channel"],
                                                               {"units": 0, "amounts": {}})
        channel["units"] += row["units"]
        channel["amounts"][row["order__currency"]] = f"{row['amount']:.2f}"
    for event_id, counts in issued_ticket_counts_by_status(event_ids).items():
        stats[event_id]["tickets_by_status"] = counts
    return stats
