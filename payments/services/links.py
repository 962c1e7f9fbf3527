"""The payment page's mobile money button: ask a phone the buyer names for what is due now; and
its status poll, which asks the provider about a prompt whose callback is late."""
import logging
import math
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from mookh.core.errors import InvalidInput
from mookh.core.phone import InvalidPhoneNumber, phone_country, phone_normalize
from mookh.core.throttling import limit_hit
from orders.errors import OrderNotPayable
from orders.models import Order
from orders.services.lifecycle import order_lock
from orders.services.pricing import MOBILE_CURRENCIES
from payments.errors import PromptTooSoon
from payments.models import PaymentAttempt
from payments.providers.mobile import mobile_money
from payments.selectors import METHOD_COUNTRY, METHOD_LABELS, order_amount_due_now, order_payment_state
from payments.services.attempts import order_payment_refresh, payment_attempt_create

logger = logging.getLogger(__name__)
# A prompt pending this long is asked about, at most this often per order (the page polls every few seconds).
REFRESH_AFTER = timedelta(seconds=30)
PROMPT_COOLDOWN = "payment_prompt_order_cooldown"
COUNTRY_NUMBERS = {"KE": "a Kenyan phone number (+254…)", "UG": "a Ugandan phone number (+256…)"}


@transaction.atomic
def link_prompt_send(*, order_id, phone_number: str, method: str = "") -> PaymentAttempt:
    """Record a mobile money attempt for the order's amount due now, to `phone_number` through
    `method` (default: the first method of the phone's country); its request leaves after commit.

    NotFound, OrderNotPayable (paid, expired, cancelled), InvalidInput (a phone that is neither
    E.164 nor a local number of the method's country, a method of another country, a method
    whose wallets hold another currency than the order's, a method that is not wired) or
    PromptTooSoon (one prompt per order per THROTTLE_PAYMENT_PROMPT_ORDER_COOLDOWN, 30 s: a double press).
    """
    order = order_lock(order_id)
    if order_payment_state(order) != "open":
        raise OrderNotPayable(f"The order is {order.status}.", status=order.status)
    method = (method or "").strip().upper()
    try:
        # The method names the country, so a number typed the way it is at home (07…) is understood.
        phone = phone_normalize(phone_number, region=METHOD_COUNTRY.get(method))
    except InvalidPhoneNumber as exc:
        raise InvalidInput({"phone_number": str(exc)}) from None
    country = phone_country(phone)
    method = method or next(
        (code for code, home in METHOD_COUNTRY.items() if home == country), "")
    if method not in METHOD_COUNTRY:
        raise InvalidInput({"phone_number": "Mobile money reaches Kenyan and Ugandan numbers only: pay by card."})
    if METHOD_COUNTRY[method] != country:
        needed = COUNTRY_NUMBERS[METHOD_COUNTRY[method]]
        raise InvalidInput({"phone_number": f"{METHOD_LABELS[method]} needs {needed}."})
    wallet_currency = MOBILE_CURRENCIES[country]
    if wallet_currency != order.currency:
        raise InvalidInput({"method": f"{METHOD_LABELS[method]} pays in {wallet_currency}, and this order is in "
                                      f"{order.currency}: pay by card."})
    money = mobile_money(method)
    if money is None:
        raise InvalidInput({"method": f"{METHOD_LABELS[method]} payments are not available yet."},
                           code="method_unavailable")
    # Counted per prompt, not per press: a refused form (a mistyped phone) can be sent again at once.
    wait = limit_hit(PROMPT_COOLDOWN, str(order.pk))
    if wait is not None:
        raise PromptTooSoon(retry_after=math.ceil(wait))
    return payment_attempt_create(order=order, provider=money.provider, amount=order_amount_due_now(order),
                                  method=method, phone=phone)


def link_status_refresh(*, order_id) -> None:
    """Ask the providers about the order's prompts pending for REFRESH_AFTER, at most once per
    REFRESH_AFTER per order: a callback may be late or lost. Outside any transaction."""
    stale = PaymentAttempt.objects.filter(order_id=order_id, status=PaymentAttempt.Status.PENDING,
                                          created__lte=timezone.now() - REFRESH_AFTER)
    if not stale.exists() or not cache.add(f"payments:link-refresh:{order_id}", 1,
                                           timeout=int(REFRESH_AFTER.total_seconds())):
        return
    order = Order.objects.filter(pk=order_id).first()
    try:
        order_payment_refresh(order=order)
    except Exception:  # a provider out of reach: the poll still answers, the next one asks again
        logger.warning("status refresh of order %s failed", order_id, exc_info=True)
