"""The refund seam: money goes back through the payments app, above this one, reached through
ORDER_REFUND_SERVICE (a dotted path in the settings); it calls `order_refund` once the money of
a PAID order is all back."""
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string


def order_money_refund(*, order_id, amount: Decimal | None = None, by_user=None) -> str:
    """Refund `amount` of the order (None: all it received and has not refunded) through the
    providers that took it: "done" when the money is back, "pending" when a provider answers
    later. Outside any transaction: providers are called. Domain errors say why not."""
    return import_string(settings.ORDER_REFUND_SERVICE)(order_id=order_id, amount=amount, requested_by=by_user)
