from decimal import ROUND_DOWN, Decimal

from django.db.models import Prefetch, Q, QuerySet

from orders.models import Order, OrderChannel, OrderLine
from users.selectors import user_is_super_admin


def orders_with_lines() -> QuerySet[Order]:
    """Orders with everything their representation reads, in a fixed number of queries."""
    lines = OrderLine.objects.select_related(
        "store", "ticket__event", "album__category", "album__media_type", "album__store"
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
    """Orders the user may cancel or refund: super admins all, owners those with their items."""
    if user_is_super_admin(user):
        return Order.objects.all()
    if not user.is_authenticated:
        return Order.objects.none()
    return Order.objects.filter(pk__in=OrderLine.objects.filter(store__owner=user).values("order_id"))


def order_get_by_number(order_number: str) -> Order | None:
    return orders_with_lines().filter(order_number=(order_number or "").strip().upper()).first()


def installments_amount(order: Order) -> Decimal:
    """Each installment: the amount over the count rounded down to a whole unit; the last takes the rest."""
    return (order.order_amount / order.payment_installments).to_integral_value(rounding=ROUND_DOWN)
