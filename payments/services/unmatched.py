"""The unmatched-money desk: staff give money no order could take to the order it was meant for.

Refunding unmatched money to the payer goes through the provider's refund (reversal) and is
not done here.
"""
import logging

from django.db import transaction
from django.utils import timezone

from mookh.core.errors import NotFound
from orders.errors import OrderNotPayable
from orders.models import Order
from payments.errors import UnmatchedPaymentResolved
from payments.models import UnmatchedPayment
from payments.services.crediting import payment_apply
from payments.services.paybill import order_payment_refusal, paybill_account_number
from users.selectors import user_or_none

logger = logging.getLogger(__name__)


@transaction.atomic
def unmatched_payment_assign(*, unmatched_id, order_number: str, by_user) -> UnmatchedPayment:
    """Credit open unmatched money to the order numbered `order_number` through `payment_apply`.

    Refused, with nothing written, when the money is no longer open (UnmatchedPaymentResolved:
    two staff assigning at once, one wins), when no order has that number (NotFound), or when the
    order cannot take it: closed or paid, in another currency, or less due than the amount
    (OrderNotPayable, its message saying which).
    """
    unmatched = UnmatchedPayment.objects.select_for_update().filter(pk=unmatched_id).first()
    if unmatched is None:
        raise NotFound("No such unmatched payment.")
    if unmatched.status != UnmatchedPayment.Status.OPEN:
        raise UnmatchedPaymentResolved(f"{unmatched.receipt} is already {unmatched.status.lower()}.",
                                       status=unmatched.status)
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
