"""The expiry job's step for one order: money a provider may hold for it is looked for first."""
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from mookh.core.errors import NotFound
from orders.models import Order
from orders.services.lifecycle import order_expire
from orders.services.status import OPEN

logger = logging.getLogger(__name__)


def order_expire_after_payment_check(*, order_id) -> Order:
    """Expire an open order past its payment window, once ORDER_PAYMENT_REFRESH_HOOKS have asked
    the providers about its pending payments: a callback may have been lost while the provider
    holds the money, which then pays (or partly pays) the order instead of it expiring unpaid.

    A provider out of reach does not hold the expiry up (the seats would stay held): money it
    reports later finds the order expired and is kept for staff on its attempt. Outside any
    transaction: the hooks call the providers."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
    if order.status in OPEN and order.expires_at <= timezone.now():
        for path in settings.ORDER_PAYMENT_REFRESH_HOOKS:
            try:
                import_string(path)(order=order)
            except Exception:  # a provider out of reach: expire all the same
                logger.warning("payment check before the expiry of order %s failed", order.order_number,
                               exc_info=True)
    return order_expire(order_id=order_id)
