"""The payment seam: ask the payments app for the money of a new order; show an order's payment state.

Money itself (crediting, refunds) is the payments app's, above this one: it is reached through
ORDER_PAYMENT_START_HOOKS, ORDER_PAYMENT_REFRESH_HOOKS and ORDER_PAYMENT_RECORDER, dotted paths in
the settings.
"""
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string

from mookh.core.errors import InvalidInput, NotFound
from orders.models import Order, OrderChannel, PaymentMethod
from orders.selectors import order_get_for_contact
from orders.services.lifecycle import order_mark_paid


def payment_start(*, order: Order, started_by=None) -> list | None:
    """A zero-amount order is paid at once; for the others ORDER_PAYMENT_START_HOOKS take the
    money (an agent's CASH) or ask the payer for it. API clients take the money themselves and
    say so through the order's status, so their orders wait whatever the amount.

    Returns the requests for money the hooks made (each hook returns those it made), as the
    order's `payments` show them, or None for an order paid at once (read them). It runs inside
    the placement transaction, so it and the hooks may only touch the database: a gateway call
    belongs in a task queued with transaction.on_commit.
    """
    if order.order_channel == OrderChannel.API:
        return []
    payments = []
    if order.order_amount == 0:
        order_mark_paid(order_id=order.pk)
    else:
        for path in settings.ORDER_PAYMENT_START_HOOKS:
            payments += import_string(path)(order=order, started_by=started_by) or []
    if payment_settles_at_once(order):
        # Paid at once: read what paying wrote. Other hooks only ask for the money (no read, on
        # the path every flash-sale order takes).
        order.refresh_from_db()
        return None
    return payments


def payment_settles_at_once(order: Order) -> bool:
    """Whether `payment_start` pays the order there and then (nothing to pay, or an agent's CASH):
    its units must be reserved before. Otherwise it only asks for the money."""
    return order.order_channel != OrderChannel.API and (
        order.order_amount == 0 or order.payment_method == PaymentMethod.CASH)


def payment_record(*, order_id, amount: Decimal, currency: str, provider: str, reference: str,
                   received_by=None, raw: dict | None = None):
    """Money taken outside the providers this API talks to (an API client's own checkout): credited
    once per (provider, reference) by ORDER_PAYMENT_RECORDER, the payments app's crediting."""
    return import_string(settings.ORDER_PAYMENT_RECORDER)(
        order_id=order_id, amount=amount, currency=currency, provider=provider, reference=reference,
        received_by=received_by, raw=raw)


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
