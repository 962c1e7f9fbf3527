"""The payment seam: ask the payments app for the money of a new order; show an order's payment state.

Money itself (crediting, refunds) is the payments app's, above this one: it is reached through
ORDER_PAYMENT_START_HOOKS and ORDER_PAYMENT_REFRESH_HOOKS, dotted paths in the settings.
"""
from django.conf import settings
from django.utils.module_loading import import_string

from mookh.core.errors import InvalidInput, NotFound
from orders.models import Order, OrderStatus
from orders.selectors import order_get_for_contact
from orders.services.lifecycle import order_mark_paid


def payment_start(*, order: Order, started_by=None) -> str:
    """A zero-amount order is paid at once; for the others ORDER_PAYMENT_START_HOOKS take the
    money (an agent's CASH) or ask the payer for it.

    Returns "paid" or "waiting". It runs inside the placement transaction, so it and the hooks
    may only touch the database: a gateway call belongs in a task queued with transaction.on_commit.
    """
    if order.order_amount == 0:
        order_mark_paid(order_id=order.pk)
    else:
        for path in settings.ORDER_PAYMENT_START_HOOKS:
            import_string(path)(order=order, started_by=started_by)
    order.refresh_from_db()
    return "paid" if order.status == OrderStatus.PAID else "waiting"


def order_payment_state(*, order_number: str, phone: str | None, email: str | None, user) -> Order:
    """The order a caller may check (its number plus its phone or email, or a signed-in customer or
    staff), after ORDER_PAYMENT_REFRESH_HOOKS asked providers about its pending payments.

    Outside any transaction: the hooks call the providers."""
    if not (user is not None and user.is_authenticated) and not (phone or email):
        raise InvalidInput({"phone_number": "Give the order's phone number or email."})
    order = order_get_for_contact(order_number=order_number, phone=phone, email=email, user=user)
    if order is None:
        raise NotFound("No order with this number and contact.")
    for path in settings.ORDER_PAYMENT_REFRESH_HOOKS:
        import_string(path)(order=order)
    order.refresh_from_db()
    return order
