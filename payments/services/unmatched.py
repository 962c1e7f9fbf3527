"""The unmatched-money desk: staff give money no order could take to the order it was meant for,
or send it back to the payer through the provider that took it (M-Pesa: a reversal of the TransID).

Both start under the unmatched row's lock, so an assignment and a refund never both happen: a
refund is reserved PENDING there (a partial unique constraint allows one live refund per row),
sent outside any transaction by the refund sending path, and its result recorded under the same
lock: DONE makes the money REFUNDED, FAILED leaves it OPEN with the provider's reason.
"""
import logging

from django.db import transaction
from django.utils import timezone

from mookh.core.errors import NotFound
from orders.errors import OrderNotPayable
from orders.models import Order
from payments.errors import UnmatchedPaymentNotRefundable, UnmatchedPaymentRefundPending, UnmatchedPaymentResolved
from payments.models import Refund, UnmatchedPayment
from payments.providers.refunds import refunder
from payments.services.crediting import payment_apply
from payments.services.paybill import order_payment_refusal, paybill_account_number
from payments.services.refund_sending import refund_send
from users.selectors import user_or_none

logger = logging.getLogger(__name__)


@transaction.atomic
def unmatched_payment_assign(*, unmatched_id, order_number: str, by_user) -> UnmatchedPayment:
    """Credit open unmatched money to the order numbered `order_number` through `payment_apply`.

    Refused, with nothing written, when the money is no longer open (UnmatchedPaymentResolved:
    two staff assigning at once, one wins), while a refund of it to the payer is under way
    (UnmatchedPaymentRefundPending), when no order has that number (NotFound), or when the order
    cannot take it: closed or paid, in another currency, or less due than the amount
    (OrderNotPayable, its message saying which).
    """
    unmatched = _open_unmatched_lock(unmatched_id)
    number = paybill_account_number(order_number)
    order = Order.objects.filter(order_number=number).first()
    if order is None:
        raise NotFound(f"No order numbered {number or order_number!r}.")
    refusal = order_payment_refusal(order, amount=unmatched.amount, currency=unmatched.currency, now=timezone.now())
    if refusal:
        raise OrderNotPayable(f"Not assigned: {refusal.reason}.", order_status=order.status,
                              order_balance=f"{order.order_balance:.2f}")
    payment = payment_apply(order_id=order.pk, amount=unmatched.amount, currency=unmatched.currency,
                            provider=unmatched.provider, reference=unmatched.receipt, received_by=by_user,
                            raw={"unmatched_payment": str(unmatched.pk), "provider_raw": unmatched.raw})
    if payment.order_id != order.pk:  # never: a receipt is either credited or unmatched
        raise UnmatchedPaymentResolved(f"{unmatched.receipt} was credited to another order already.")
    unmatched.status, unmatched.order, unmatched.payment = UnmatchedPayment.Status.ASSIGNED, order, payment
    unmatched.resolved_by, unmatched.resolved_at = user_or_none(by_user), timezone.now()
    unmatched.save(update_fields=["status", "order", "payment", "resolved_by", "resolved_at", "updated"])
    logger.info("unmatched %s %s %s assigned to order %s", unmatched.provider, unmatched.receipt, unmatched.amount,
                order.order_number)
    return unmatched


def unmatched_payment_refund(*, unmatched_id, by_user) -> Refund:
    """Send open unmatched money back to the payer, whole, through its provider. Call outside any
    transaction: the refund is reserved under the money's lock, then sent.

    Returns the refund: DONE (the money is REFUNDED), PENDING (the provider's result comes later)
    or FAILED (the money stays OPEN; `failure_reason` says why, and staff may send it again).
    Refused with nothing written when the money is not open (UnmatchedPaymentResolved), while a
    refund of it is under way (UnmatchedPaymentRefundPending: two staff at once, one refund), or
    when its provider has no refund API (UnmatchedPaymentNotRefundable).
    """
    refund = _refund_reserve(unmatched_id=unmatched_id, by_user=by_user)
    return refund_send(refund_id=refund.pk)


@transaction.atomic
def _refund_reserve(*, unmatched_id, by_user) -> Refund:
    unmatched = _open_unmatched_lock(unmatched_id)
    money = refunder(unmatched.provider)
    if money is None:
        raise UnmatchedPaymentNotRefundable(f"{unmatched.get_provider_display()} has no refund API: hand the money "
                                            "back and record it.")
    refund = Refund.objects.create(unmatched=unmatched, amount=unmatched.amount, currency=unmatched.currency,
                                   provider=unmatched.provider, requested_by=user_or_none(by_user),
                                   reason=f"unmatched money returned to the payer ({unmatched.reason})"[:200])
    logger.info("unmatched %s %s %s: refund %s reserved", unmatched.provider, unmatched.receipt, unmatched.amount,
                refund.pk)
    return refund


def _open_unmatched_lock(unmatched_id) -> UnmatchedPayment:
    """The unmatched money locked, if it is open and no refund of it is under way."""
    unmatched = UnmatchedPayment.objects.select_for_update().filter(pk=unmatched_id).first()
    if unmatched is None:
        raise NotFound("No such unmatched payment.")
    if unmatched.status != UnmatchedPayment.Status.OPEN:
        raise UnmatchedPaymentResolved(f"{unmatched.receipt} is already {unmatched.status.lower()}.",
                                       status=unmatched.status)
    pending = Refund.objects.filter(unmatched=unmatched, status=Refund.Status.PENDING).first()
    if pending is not None:
        raise UnmatchedPaymentRefundPending(
            f"{unmatched.receipt}: a refund of {unmatched.currency} {unmatched.amount} to the payer is under way "
            f"(asked {pending.created:%Y-%m-%d %H:%M}); wait for the provider's result.", refund=str(pending.pk))
    return unmatched
