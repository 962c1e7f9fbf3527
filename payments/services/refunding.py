"""A refund asked for through the API (`POST /stores/orders/{id}/refund/`), executed through the
providers that took the money.

Three steps, so that no provider is called while a row is locked: the refund is reserved under
the order's lock in one transaction (a second refund racing it waits, then sees what is left);
each part is sent to its provider outside any transaction; each answer is recorded in a
transaction of its own (refund_sending.py). A refusal leaves the order as it was — its status,
amounts and tickets — and says why; only the refused part's FAILED row remains, for the record.
"""
from decimal import Decimal

from django.db import transaction

from mookh.core.errors import InvalidInput
from orders.models import OrderStatus
from orders.services.lifecycle import order_lock
from orders.services.status import OPEN
from payments.errors import OrderNotRefundable, RefundNothingLeft, RefundRefused
from payments.models import Refund
from payments.services.refund_sending import order_refund_settle, refund_send
from payments.services.refunds import order_refundable, payments_left, refund_parts_create

Status = Refund.Status
CENT = Decimal("0.01")
REASON = "refunded at the store's request"


def order_refund_execute(*, order_id, amount: Decimal | None = None, requested_by=None) -> str:
    """ORDER_REFUND_SERVICE: refund `amount` of the order (default: all it received and has not
    refunded) through the providers that took it, newest payment first. "done" when the money
    is back (a refund of everything makes a PAID order REFUNDED), "pending" when a provider
    answers later. OrderNotRefundable (nothing received, still being paid), RefundNothingLeft,
    InvalidInput (more than can be refunded), RefundWholePaymentsOnly, RefundRefused."""
    refunds = refunds_reserve(order_id=order_id, amount=amount, requested_by=requested_by)
    for refund in refunds:
        if not refund.by_hand:
            refund_send(refund_id=refund.pk)
    order_refund_settle(order_id=order_id, by_user=requested_by)
    refunds = list(Refund.objects.filter(pk__in=[refund.pk for refund in refunds]))
    refused = [refund for refund in refunds if refund.status == Status.FAILED]
    if refused:
        raise _refused(refunds, refused)
    return "pending" if any(refund.status == Status.PENDING and not refund.by_hand for refund in refunds) else "done"


@transaction.atomic
def refunds_reserve(*, order_id, amount: Decimal | None, requested_by=None) -> list[Refund]:
    """Under the order's lock: check what may be refunded and record the refund's parts PENDING."""
    order = order_lock(order_id)
    if order.amount_paid <= 0:
        raise OrderNotRefundable(f"The order has received no money ({order.status}).", status=order.status)
    if order.status in OPEN:
        raise OrderNotRefundable(f"The order is still being paid ({order.status}): cancel it to refund what was "
                                 "paid.", code="order_open", status=order.status)
    refundable = order_refundable(order, payments_left(order))
    if refundable <= 0:
        raise RefundNothingLeft(amount_paid=f"{order.amount_paid:.2f}", currency=order.currency)
    if amount is None:
        amount = refundable
    if not (amount.is_finite() and amount > 0 and amount == amount.quantize(CENT)):
        raise InvalidInput({"amount": "Give an amount above 0, in cents at most."})
    if amount > refundable:
        raise InvalidInput({"amount": f"At most {refundable:.2f} {order.currency} can be refunded: the order "
                                      f"received {order.amount_paid:.2f} and the rest is refunded or being "
                                      f"refunded."})
    return refund_parts_create(order=order, amount=amount, reason=REASON if order.status == OrderStatus.PAID
                               else f"{REASON} ({order.status.lower()} order)", requested_by=requested_by)


def _refused(refunds: list[Refund], refused: list[Refund]) -> RefundRefused:
    reasons = "; ".join(f"{refund.provider} {refund.amount:.2f}: {refund.failure_reason}" for refund in refused)
    back = sum((refund.amount for refund in refunds if refund.status == Status.DONE), Decimal("0"))
    message = f"The payment provider refused the refund: {reasons}"
    if back:
        message += f" ({back:.2f} {refused[0].currency} of it went back)"
    return RefundRefused(message, refused=[{"id": str(refund.pk), "provider": refund.provider,
                                            "amount": f"{refund.amount:.2f}", "reason": refund.failure_reason}
                                           for refund in refused], refunded=f"{back:.2f}")
