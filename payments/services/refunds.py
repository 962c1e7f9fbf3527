"""Money owed back to a buyer: recorded when an order that took money closes or is refunded."""
from decimal import Decimal

from orders.models import Order
from payments.models import Refund
from users.selectors import user_or_none


def refund_owed_record(*, order: Order, amount: Decimal, reason: str, requested_by=None) -> Refund:
    """ORDER_MONEY_OWED_HOOKS: run in the transaction that closes or refunds the order."""
    return Refund.objects.create(order=order, amount=amount, currency=order.currency, reason=reason,
                                 requested_by=user_or_none(requested_by))
