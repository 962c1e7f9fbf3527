"""Money owed back, split over the payments that brought it, each refunded through its provider.

A refund of an order is one Refund row per payment it touches, newest payment first, each at
most what is left of that payment. Money owed when an order that took money closes (expiry,
cancellation) and money that arrived but could not be credited (late money) are recorded in the
transaction that finds them owed and sent after commit, one task per refund.
"""
import logging
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import Sum

from orders.models import Order
from payments.errors import RefundWholePaymentsOnly
from payments.models import Payment, PaymentAttempt, Refund
from payments.providers.refunds import refunder
from payments.services.refund_sending import refund_send_queue
from users.selectors import user_or_none

logger = logging.getLogger(__name__)
Status = Refund.Status
TAKEN = (Status.PENDING, Status.DONE)  # refunds that hold (or returned) money: a FAILED one holds none


def payments_left(order: Order) -> list[tuple[Payment, Decimal]]:
    """The order's payments, newest first, each with what is left to refund of it."""
    payments = list(Payment.objects.filter(order=order).order_by("-created", "-pk"))
    taken = dict(Refund.objects.filter(payment__in=payments, status__in=TAKEN).values("payment")
                 .annotate(total=Sum("amount")).values_list("payment", "total"))
    return [(payment, payment.amount - taken.get(payment.pk, Decimal("0"))) for payment in payments]


def order_refundable(order: Order, left: list[tuple[Payment, Decimal]]) -> Decimal:
    """What can still be refunded: what the payments have left, less refunds owed before they
    named a payment."""
    unnamed = Refund.objects.filter(order=order, payment__isnull=True, attempt__isnull=True,
                                    status__in=TAKEN).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return max(min(sum((rest for _, rest in left), Decimal("0")), order.amount_paid - unnamed), Decimal("0"))


def refund_parts_create(*, order: Order, amount: Decimal, reason: str, requested_by=None,
                        whole_payments_checked: bool = True) -> list[Refund]:
    """Refund rows for `amount` over the order's payments, newest first (run under the order's
    lock). With `whole_payments_checked`, a part that would return only some of a payment through
    a provider that returns whole ones refuses the lot (RefundWholePaymentsOnly); without, the
    provider refuses that part and staff see why."""
    left = payments_left(order)
    parts, rest = [], amount
    for payment, available in left:
        if rest <= 0:
            break
        if available > 0:
            parts.append((payment, min(available, rest)))
            rest -= parts[-1][1]
    if whole_payments_checked:
        _whole_payments_check(order, parts, left)
    by = user_or_none(requested_by)
    return [Refund.objects.create(order=order, payment=payment, amount=part, currency=order.currency,
                                  reason=reason[:200], requested_by=by, provider=payment.provider,
                                  by_hand=refunder(payment.provider) is None)
            for payment, part in parts]


def _whole_payments_check(order: Order, parts: list, left: list) -> None:
    for payment, part in parts:
        money = refunder(payment.provider)
        if money and money.whole_payments_only and part != payment.amount:
            amounts, total = [], Decimal("0")
            for _, available in left:
                total += available
                if available > 0:
                    amounts.append(f"{total:.2f}")
            raise RefundWholePaymentsOnly(
                f"{money.label} refunds whole payments only: {part:.2f} of a {payment.amount:.2f} {order.currency} "
                f"payment cannot go back alone. Amounts that can be refunded: {', '.join(amounts)}.",
                amounts=amounts, currency=order.currency)


def refund_owed_record(*, order: Order, amount: Decimal, reason: str, requested_by=None) -> list[Refund]:
    """ORDER_MONEY_OWED_HOOKS: run in the transaction that closes an order that took money. What it
    took goes back through the providers that took it, after commit; cash is left for staff."""
    amount = min(amount, order_refundable(order, payments_left(order)))
    if amount <= 0:
        return []
    refunds = refund_parts_create(order=order, amount=amount, reason=reason, requested_by=requested_by,
                                  whole_payments_checked=False)
    for refund in refunds:
        if not refund.by_hand:
            transaction.on_commit(partial(refund_send_queue, refund.pk))
    logger.info("order %s closed owing %s %s: %s refund(s)", order.order_number, amount, order.currency,
                len(refunds))
    return refunds


def late_money_refund_record(*, attempt: PaymentAttempt, currency: str) -> Refund | None:
    """Money an attempt received but could not credit (the order closed or paid, more than its
    balance) goes back whole through its provider, after commit. Run in the transaction that
    kept it for review; money in another currency or of an unreadable amount stays with staff."""
    received = attempt.amount_received
    if received is None or received <= 0 or currency != attempt.currency or not attempt.receipt:
        return None
    refund, created = Refund.objects.get_or_create(attempt=attempt, defaults={
        "order_id": attempt.order_id, "amount": received, "currency": currency, "provider": attempt.provider,
        "reason": f"late money: {attempt.review_reason}"[:200], "by_hand": refunder(attempt.provider) is None})
    if created and not refund.by_hand:
        transaction.on_commit(partial(refund_send_queue, refund.pk))
    return refund
