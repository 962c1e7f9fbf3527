"""Ask a payer's phone for the amount due: an attempt recorded with the order, its request sent
after commit, and the provider asked about it when its callback is late."""
import logging
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from mookh.core.errors import NotFound
from mookh.core.publishing import batch_add, batch_take
from orders.errors import OrderNotPayable
from orders.models import Order, PaymentMethod
from orders.selectors import installments_amount
from orders.services.status import OPEN
from payments.models import PaymentAttempt, Provider
from payments.providers.base import ProviderError, PushRequest, ResultStatus
from payments.providers.mobile import mobile_money
from payments.services.crediting import order_cash_take
from payments.services.results import payment_result_apply

logger = logging.getLogger(__name__)
Status = PaymentAttempt.Status
# An attempt's request is sent at most once: whoever sends it holds this key (in the shared
# cache) first, so a request queued twice (reconciliation re-sending one stuck STARTING) never
# reaches the phone twice. Longer than reconciliation lets an attempt stay STARTING.
PUSH_CLAIM_KEY = "payments:push:{attempt_id}"
PUSH_CLAIM_SECONDS = 3600
# Attempts whose request is to be sent wait in this batch; one drain takes at most this many.
PUSH_BATCH = "payment-pushes"
PUSH_DRAIN_LIMIT = 500
# The callback route of each provider (its URL name) and what its path carries: M-Pesa's and
# Airtel's a secret token (Airtel's URL is set once in the Airtel app), MTN's the attempt's reference.
CALLBACK_ROUTES = {
    Provider.MPESA: ("payments-callback-mpesa", lambda attempt: {"token": settings.MPESA_CALLBACK_TOKEN}),
    Provider.AIRTEL: ("payments-callback-airtel", lambda attempt: {"token": settings.AIRTEL_CALLBACK_TOKEN}),
    Provider.MTN: ("payments-callback-mtn", lambda attempt: {"reference": str(attempt.pk)}),
}


def order_payment_begin(*, order: Order, started_by=None) -> list[PaymentAttempt]:
    """ORDER_PAYMENT_START_HOOKS: run in the placement transaction of an order not paid at once.

    A CASH order's agent took the money: it is credited now. A mobile-money order to be paid now
    asks the payer's phone for the amount due (the first installment of an installment order)
    once the order is committed. Pay-later orders wait for the buyer; methods not wired yet
    leave the order waiting, as its answer says. Returns the attempts it made.
    """
    if order.payment_method == PaymentMethod.CASH:
        order_cash_take(order=order, started_by=started_by)
        return []
    money = mobile_money(order.exact_payment_method)
    if order.payment_method != PaymentMethod.MOBILE or money is None or order.is_pay_later:
        return []
    return [payment_attempt_create(order=order, provider=money.provider, amount=installments_amount(order))]


def payment_attempt_create(*, order: Order, provider: str, amount=None, method: str | None = None,
                           phone: str | None = None, queue_request: bool = True) -> PaymentAttempt:
    """Record an attempt for `amount` (default: the balance) and queue its request after commit
    (unless `queue_request` is false: the caller sends it with `payment_push`).
    `method` and `phone` default to the order's exact payment method and its payer's phone."""
    if order.status not in OPEN or order.order_balance <= 0:
        raise OrderNotPayable(f"The order is {order.status}.", status=order.status)
    amount = min(amount or order.order_balance, order.order_balance)
    attempt = PaymentAttempt.objects.create(
        order=order, provider=provider, method=method or order.exact_payment_method, amount=amount,
        currency=order.currency, phone=phone or order.payer_phone or order.customer_phone)
    if queue_request:
        transaction.on_commit(partial(_push_queue, attempt.pk))
    return attempt


def _push_queue(attempt_id) -> None:
    """Queue the request, in a batch (a flash sale's orders each pay one Redis round trip here,
    not a Celery publish). Never raises: an attempt whose request could not be queued, or whose
    batch Redis lost, stays STARTING, and reconciliation sends it."""
    from payments.tasks import payment_push_task, payment_pushes_drain_task  # they import this module

    if not batch_add(PUSH_BATCH, str(attempt_id), task=payment_push_task, item_kwarg="attempt_id",
                     drain_task=payment_pushes_drain_task):
        logger.warning("could not queue the payment request of attempt %s", attempt_id)


def payment_pushes_drain(*, app) -> list[str]:
    """The attempts queued by `_push_queue` since the last drain (up to PUSH_DRAIN_LIMIT)."""
    return batch_take(PUSH_BATCH, app=app, limit=PUSH_DRAIN_LIMIT)


def payment_push(*, attempt_id) -> PaymentAttempt:
    """Send a STARTING attempt's request to its provider (outside any transaction); idempotent: a
    request is sent once, and an attempt whose request another worker is sending is returned as is."""
    attempt = PaymentAttempt.objects.select_related("order").filter(pk=attempt_id).first()
    if attempt is None:
        raise NotFound("No such payment attempt.")
    if attempt.status != Status.STARTING:
        return attempt
    if not cache.add(PUSH_CLAIM_KEY.format(attempt_id=attempt.pk), True, timeout=PUSH_CLAIM_SECONDS):
        return attempt
    request = PushRequest(reference=str(attempt.pk), order_number=attempt.order.order_number, amount=attempt.amount,
                          currency=attempt.currency, phone=attempt.phone, callback_url=callback_url(attempt))
    money = mobile_money(attempt.method)
    try:
        started = money.push(request)
    except ProviderError as exc:
        if money.push_may_have_started(exc):
            # The prompt may be on the phone: the callback or the status query settles the attempt.
            PaymentAttempt.objects.filter(pk=attempt.pk, status=Status.STARTING).update(
                status=Status.PENDING, provider_reference=request.reference, description=str(exc)[:255])
            logger.warning("payment request of attempt %s may have been sent: %s", attempt.pk, exc)
        else:
            PaymentAttempt.objects.filter(pk=attempt.pk, status=Status.STARTING).update(
                status=Status.FAILED, description=str(exc)[:255])
            logger.warning("payment request of attempt %s refused: %s", attempt.pk, exc)
    else:
        PaymentAttempt.objects.filter(pk=attempt.pk, status=Status.STARTING).update(
            status=Status.PENDING, provider_reference=started.provider_reference, request_data=started.raw)
        logger.info("payment request of attempt %s sent (%s)", attempt.pk, started.provider_reference)
    attempt.refresh_from_db()
    return attempt


def callback_url(attempt: PaymentAttempt) -> str:
    """Where the attempt's provider posts its result, as the provider reaches this API."""
    route, kwargs = CALLBACK_ROUTES[attempt.provider]
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(route, kwargs=kwargs(attempt)).rstrip("/") + "/"


def order_payment_refresh(*, order: Order) -> None:
    """ORDER_PAYMENT_REFRESH_HOOKS: before an order's payment state is shown, ask the provider
    about its pending requests (a callback may be late or lost). Outside any transaction."""
    for attempt in PaymentAttempt.objects.filter(order=order, status=Status.PENDING):
        money = mobile_money(attempt.method)
        if money is None:
            continue
        try:
            result = money.status(attempt.provider_reference)
        except ProviderError as exc:
            logger.warning("status query of attempt %s failed: %s", attempt.pk, exc)
            continue
        if result.status != ResultStatus.PENDING:
            payment_result_apply(provider=attempt.provider, result=result)
