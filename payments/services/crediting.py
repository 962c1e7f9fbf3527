"""Crediting: the one way money received becomes part of an order, once per provider receipt."""
import logging
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction

from mookh.core import metrics
from mookh.core.errors import InvalidInput
from orders.errors import OrderNotPayable
from orders.models import Order, OrderStatus
from orders.services.lifecycle import order_expire, order_lock, order_mark_paid
from orders.services.messages import payment_received_messages
from orders.services.status import OPEN, order_transition
from payments.models import Payment
from users.selectors import user_or_none

logger = logging.getLogger(__name__)

CASH_PROVIDER = "cash"


def cash_reference() -> str:
    """A receipt reference for cash taken by an agent or staff. Random, never the order's id:
    references are shown to whoever checks an order's payment state."""
    return f"CASH-{secrets.token_hex(6).upper()}"


def order_cash_take(*, order: Order, started_by=None) -> Payment:
    """A CASH order's agent took the money at placement (run in its transaction)."""
    return payment_apply(order_id=order.pk, amount=order.order_amount, currency=order.currency,
                         provider=CASH_PROVIDER, reference=cash_reference(), received_by=started_by)


def payment_cash_record(*, order_id, received_by=None) -> Payment:
    """Staff took the balance due in cash: record it as a new payment (OrderNotPayable when the
    order is closed or nothing is due; nothing is recorded then)."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotPayable("No such order.")
    return payment_apply(order_id=order.pk, amount=order.order_balance, currency=order.currency,
                         provider=CASH_PROVIDER, reference=cash_reference(), received_by=received_by)


def payment_apply(*, order_id, amount: Decimal, currency: str, provider: str, reference: str,
                  received_by=None, raw: dict | None = None) -> Payment:
    """Credit a confirmed payment once per (provider, reference); a replay returns the first."""
    existing = Payment.objects.filter(provider=provider, reference=reference).first()
    if existing:
        return existing
    # A late payment finds the order expired, and the expiry stands even though the payment fails.
    order_expire(order_id=order_id)
    return _payment_record(order_id=order_id, amount=amount, currency=currency, provider=provider,
                           reference=reference, received_by=received_by, raw=raw)


@transaction.atomic
def _payment_record(*, order_id, amount, currency, provider, reference, received_by, raw) -> Payment:
    order = order_lock(order_id)
    if currency != order.currency:
        raise InvalidInput({"currency": f"The order is in {order.currency}."})
    if order.status not in OPEN:
        raise OrderNotPayable(f"The order is {order.status}.", status=order.status)
    if amount <= 0 or amount > order.order_balance:
        raise OrderNotPayable("The amount must be positive and at most the balance due.",
                              order_balance=f"{order.order_balance:.2f}")
    try:
        with transaction.atomic():
            payment = Payment.objects.create(order=order, provider=provider, reference=reference, amount=amount,
                                             currency=currency, raw=raw or {},
                                             received_by=user_or_none(received_by))
    except IntegrityError:
        return Payment.objects.get(provider=provider, reference=reference)
    metrics.payment_credited(provider=provider)
    order.amount_paid += amount
    order.payment_reference = reference
    order.save(update_fields=["amount_paid", "payment_reference", "updated"])
    if order.order_balance == 0:
        order_mark_paid(order_id=order.pk)
    else:
        if order.status == OrderStatus.PENDING:
            order_transition(order, OrderStatus.PARTIALLY_PAID)
        payment_received_messages(order, payment_reference=reference, amount=amount)
    logger.info("payment %s %s %s applied to order %s", provider, reference, amount, order.order_number)
    return payment
