import uuid
from decimal import ROUND_DOWN, Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum

from mookh.core.identity import email_identity
from orders.models import Order, OrderChannel, OrderLine, OrderStatus
from stores.models import Album, MediaFile, Ticket
from users.selectors import user_is_super_admin


def orders_with_lines() -> QuerySet[Order]:
    """Orders with everything their representation reads, in a fixed number of queries."""
    lines = OrderLine.objects.select_related(
        "store", "ticket__event", "album__category", "album__media_type", "album__store"
    ).prefetch_related(
        "issued_tickets",  # a ticket line's issued tickets (the tickets app's reverse relation)
        Prefetch("album__media_files", queryset=MediaFile.objects.order_by("position", "created")),
    )
    # payment_attempts and refunds: the payments app's, read through their reverse relations.
    return Order.objects.select_related("agent").prefetch_related(Prefetch("lines", queryset=lines),
                                                                  "payment_attempts", "refunds")


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
    """EVENT_STATISTICS_PROVIDERS: per event, ticket units sold and units and amounts per order
    channel (paid orders). One query for any number of events; amounts are per currency."""
    stats = {event_id: {"tickets_total_sales": 0, "tickets_sales_by_platform": {}} for event_id in event_ids}
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
    return stats


def album_file_entitled(*, line_id, media_file_id) -> MediaFile | None:
    """The media file, while it is in the album of this order line and the line's order is PAID."""
    try:
        line_id, media_file_id = uuid.UUID(str(line_id)), uuid.UUID(str(media_file_id))
    except ValueError:
        return None
    return MediaFile.objects.filter(pk=media_file_id, album__order_lines__pk=line_id,
                                    album__order_lines__order__status=OrderStatus.PAID).first()


def order_lines_store_ids(lines) -> list:
    """The store of each requested line's item (None for an unknown item), in two queries."""
    ids = {Ticket.TYPE_NAME: set(), Album.TYPE_NAME: set()}
    for line in lines:
        ids.get(line.type_name, set()).add(line.item_id)
    stores = dict(Ticket.objects.filter(pk__in=ids[Ticket.TYPE_NAME]).values_list("pk", "event__store_id"))
    stores.update(Album.objects.filter(pk__in=ids[Album.TYPE_NAME]).values_list("pk", "store_id"))
    return [stores.get(line.item_id) for line in lines]
