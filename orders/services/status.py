"""The order status machine; every transition goes through `order_transition`."""
from django.utils import timezone

from orders.errors import OrderTransitionIllegal
from orders.models import Order, OrderStatus

S = OrderStatus
ALLOWED = {
    S.PENDING: {S.PARTIALLY_PAID, S.PAID, S.EXPIRED, S.CANCELLED},
    S.PARTIALLY_PAID: {S.PAID, S.EXPIRED, S.CANCELLED},
    S.PAID: {S.REFUNDED},
    S.EXPIRED: set(),
    S.CANCELLED: set(),
    S.REFUNDED: set(),
}
OPEN = (S.PENDING, S.PARTIALLY_PAID)
HOLDING_STOCK = (S.PENDING, S.PARTIALLY_PAID, S.PAID)


def order_transition(order: Order, to_status: str) -> None:
    """Move a locked order to `to_status` or refuse with 409 `illegal_transition`."""
    if to_status not in ALLOWED[order.status]:
        raise OrderTransitionIllegal(
            f"An order that is {order.status} cannot become {to_status}.",
            status_from=order.status, status_to=to_status,
        )
    order.status = to_status
    now = timezone.now()
    fields = ["status", "updated"]
    if to_status == S.PAID:
        order.paid_at = now
        fields.append("paid_at")
    elif to_status in (S.EXPIRED, S.CANCELLED, S.REFUNDED):
        order.closed_at = now
        fields.append("closed_at")
    order.save(update_fields=fields)
