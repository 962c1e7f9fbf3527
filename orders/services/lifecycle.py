"""Order state changes after placement: paid, expired, cancelled, refunded.

Apps above orders act on a paid or refunded order (the tickets app issues and voids its tickets)
through ORDER_PAID_HOOKS and ORDER_REFUNDED_HOOKS: dotted paths of callables(order=Order), run
in the transaction that changes the order, so that they commit or roll back with it. Money an
expired or cancelled order took is owed back through ORDER_MONEY_OWED_HOOKS (the payments app
records it and sends it back); a refund asked for goes through ORDER_REFUND_SERVICE (refunds.py),
which calls `order_refund` once the money is back.
"""
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from mookh.core.errors import NotFound
from orders.errors import OrderTransitionIllegal
from orders.links import order_delivery_links
from orders.models import Order, OrderLine, OrderStatus
from orders.services.messages import order_closed_messages, order_paid_messages
from orders.services.promotions import promo_uses_confirm, promo_uses_release
from orders.services.status import OPEN, order_transition
from stores.inventory import tickets_convert_to_sold, tickets_release, tickets_sold_return

logger = logging.getLogger(__name__)


def order_lock(order_id) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def _ticket_quantities(order: Order) -> dict:
    quantities: dict = {}
    for line in order.lines.all():
        if line.ticket_id:
            quantities[line.ticket_id] = quantities.get(line.ticket_id, 0) + line.item_quantity
    return quantities


def _unstarted_ticket_quantities(order: Order) -> dict:
    """Units per ticket type of the order's lines whose event has not started yet."""
    quantities: dict = {}
    lines = OrderLine.objects.filter(order_id=order.pk, ticket__isnull=False,
                                     ticket__event__start_date__gt=timezone.now())
    for ticket_id, units in lines.values_list("ticket_id", "item_quantity"):
        quantities[ticket_id] = quantities.get(ticket_id, 0) + units
    return quantities


def _hooks_run(paths: list[str], order: Order, **kwargs) -> None:
    for path in paths:
        import_string(path)(order=order, **kwargs)


def _money_owed(order: Order, *, reason: str, by_user=None) -> None:
    _hooks_run(settings.ORDER_MONEY_OWED_HOOKS, order, amount=order.amount_paid, reason=reason,
               requested_by=by_user)


@transaction.atomic
def order_mark_paid(*, order_id) -> Order:
    """The one way an order becomes PAID: stock sold, promo uses kept, ORDER_PAID_HOOKS run (tickets
    issued), messages queued. Idempotent."""
    order = order_lock(order_id)
    if order.status == OrderStatus.PAID:
        return order
    order_transition(order, OrderStatus.PAID)
    tickets_convert_to_sold(quantities=_ticket_quantities(order))
    promo_uses_confirm(order_id=order.pk)
    _hooks_run(settings.ORDER_PAID_HOOKS, order)
    order_paid_messages(order, **order_delivery_links(order=order))
    logger.info("order %s paid", order.order_number)
    return order


def _order_close(order: Order, to_status: str, *, reason: str, by_user=None) -> Order:
    """Close an open order: units and promo uses go back on sale; money paid is owed back."""
    order_transition(order, to_status)
    # Promo codes before tickets, the order placement locks them in: no deadlock between the two.
    promo_uses_release(order_id=order.pk)
    tickets_release(quantities=_ticket_quantities(order))
    refund_amount = None
    if order.amount_paid > 0:
        refund_amount = order.amount_paid
        _money_owed(order, reason=reason, by_user=by_user)
    order_closed_messages(order, refund_amount=refund_amount)
    logger.info("order %s %s (%s)", order.order_number, to_status.lower(), reason)
    return order


@transaction.atomic
def order_expire(*, order_id) -> Order:
    """Expire an open order past its payment window; a no-op for any other order."""
    order = order_lock(order_id)
    if order.status not in OPEN or order.expires_at > timezone.now():
        return order
    return _order_close(order, OrderStatus.EXPIRED, reason="payment window expired")


@transaction.atomic
def order_cancel(*, order_id, by_user=None) -> Order:
    order = order_lock(order_id)
    return _order_close(order, OrderStatus.CANCELLED, reason="cancelled", by_user=by_user)


@transaction.atomic
def order_refund(*, order_id, by_user=None, reason: str = "refunded") -> Order:
    """PAID → REFUNDED once its money is back: runs ORDER_REFUNDED_HOOKS (tickets voided), gives the
    order's promo uses back and puts its seats back on sale, except those of events that have
    started (their seats stay sold). The money is not this function's: the refund it follows
    (ORDER_REFUND_SERVICE, the payments app) sent it back and recorded it already."""
    order = order_lock(order_id)
    order_transition(order, OrderStatus.REFUNDED)
    # Promo codes before tickets, the order placement locks them in: no deadlock between the two.
    promo_uses_release(order_id=order.pk)
    tickets_sold_return(quantities=_unstarted_ticket_quantities(order))
    _hooks_run(settings.ORDER_REFUNDED_HOOKS, order)
    order_closed_messages(order, refund_amount=order.amount_paid)
    logger.info("order %s refunded (%s, by %s)", order.order_number, reason, by_user or "the system")
    return order


def orders_expire_due_ids(*, limit: int = 1000) -> list:
    return list(Order.objects.filter(status__in=OPEN, expires_at__lte=timezone.now())
                .order_by("expires_at").values_list("pk", flat=True)[:limit])


@transaction.atomic
def order_messages_resend(*, order_id) -> Order:
    """Queue the paid-order messages again (admin action); only for paid orders."""
    order = order_lock(order_id)
    if order.status != OrderStatus.PAID:
        raise OrderTransitionIllegal("Only paid orders have tickets to resend.", status=order.status)
    # A fresh dedupe key: the first sending's key would swallow the resend.
    order_paid_messages(order, key=f"paid:resend:{timezone.now().timestamp()}", **order_delivery_links(order=order))
    return order
