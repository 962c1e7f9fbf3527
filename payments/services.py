"""Money in: ask a payer's phone for the amount due, and apply what the provider says, once.

Every result — a callback, a sandbox completion, later a status query — goes through
`payment_result_apply`: the attempt is locked, a terminal attempt never changes again, and the
money is credited through the order engine's `payment_apply`, whose unique (provider, receipt)
constraint is what guarantees "once". Money that cannot be credited (the order expired or was
paid already, more than the balance, another currency) is never dropped: the attempt keeps it,
flagged for staff with `review_reason`.
"""
import hmac
import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from mookh.core.errors import DomainError, NotFound
from orders.errors import OrderNotPayable
from orders.models import Order, PaymentMethod
from orders.selectors import installments_amount
from orders.services import payment_apply
from orders.services.status import OPEN
from payments.models import PaymentAttempt, Provider, ProviderCallback
from payments.providers import mpesa
from payments.providers.base import (
    CallbackInvalid, ProviderError, ProviderResult, PushRequest, ResultStatus,
)

logger = logging.getLogger(__name__)
Status = PaymentAttempt.Status
Outcome = ProviderCallback.Outcome

# The exact mobile method → who asks the payer's phone. Providers still to be wired are absent:
# their orders stay PENDING, as the order's answer says.
PUSH_PROVIDERS = {"MPESA": Provider.MPESA}
RESULT_STATUS = {ResultStatus.SUCCEEDED: Status.SUCCEEDED, ResultStatus.FAILED: Status.FAILED,
                 ResultStatus.CANCELLED: Status.CANCELLED}


def order_payment_begin(*, order: Order) -> None:
    """ORDER_PAYMENT_START_HOOKS: run in the placement transaction of an order not paid at once.

    A mobile-money order to be paid now asks the payer's phone for the amount due (the first
    installment of an installment order) once the order is committed. Pay-later orders wait
    for the buyer.
    """
    provider = PUSH_PROVIDERS.get(order.exact_payment_method)
    if order.payment_method != PaymentMethod.MOBILE or provider is None or order.is_pay_later:
        return
    payment_attempt_create(order=order, provider=provider, amount=installments_amount(order))


def payment_attempt_create(*, order: Order, provider: str, amount=None) -> PaymentAttempt:
    """Record an attempt for `amount` (default: the balance) and queue its request after commit."""
    if order.status not in OPEN or order.order_balance <= 0:
        raise OrderNotPayable(f"The order is {order.status}.", status=order.status)
    amount = min(amount or order.order_balance, order.order_balance)
    attempt = PaymentAttempt.objects.create(
        order=order, provider=provider, method=order.exact_payment_method, amount=amount,
        currency=order.currency, phone=order.payer_phone or order.customer_phone)
    transaction.on_commit(partial(_push_queue, attempt.pk))
    return attempt


def _push_queue(attempt_id) -> None:
    """Queue the request; never raises (a broker outage leaves the attempt STARTING, visible to staff)."""
    from payments.tasks import payment_push_task  # the tasks module imports this one

    try:
        payment_push_task.delay(attempt_id=str(attempt_id))
    except Exception:  # the broker is down: the attempt stays STARTING and is visible to staff
        logger.warning("could not queue the payment request of attempt %s", attempt_id, exc_info=True)


def payment_push(*, attempt_id) -> PaymentAttempt:
    """Send a STARTING attempt's request to its provider (outside any transaction); idempotent."""
    attempt = PaymentAttempt.objects.select_related("order").filter(pk=attempt_id).first()
    if attempt is None:
        raise NotFound("No such payment attempt.")
    if attempt.status != Status.STARTING:
        return attempt
    request = PushRequest(reference=str(attempt.pk), order_number=attempt.order.order_number, amount=attempt.amount,
                          currency=attempt.currency, phone=attempt.phone, callback_url=callback_url(attempt.provider))
    try:
        started = mpesa.stk_push(mpesa.mpesa_config_from_settings(), request)
    except ProviderError as exc:
        PaymentAttempt.objects.filter(pk=attempt.pk, status=Status.STARTING).update(
            status=Status.FAILED, description=str(exc)[:255])
        logger.warning("payment request of attempt %s refused: %s", attempt.pk, exc)
    else:
        PaymentAttempt.objects.filter(pk=attempt.pk, status=Status.STARTING).update(
            status=Status.PENDING, provider_reference=started.provider_reference, request_data=started.raw)
        logger.info("payment request of attempt %s sent (%s)", attempt.pk, started.provider_reference)
    attempt.refresh_from_db()
    return attempt


def callback_url(provider: str) -> str:
    path = reverse("payments-callback-mpesa", kwargs={"token": settings.MPESA_CALLBACK_TOKEN}).rstrip("/") + "/"
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def mpesa_callback_receive(*, token: str, body: bytes, headers: dict, remote_addr: str) -> ProviderCallback:
    """An STK callback as it arrived: recorded first, then authenticated (the secret path token;
    Daraja signs nothing), read and applied. The record's outcome says what the answer is."""
    record = ProviderCallback.objects.create(provider=Provider.MPESA, body=body.decode(errors="replace")[:100_000],
                                             headers=headers, remote_addr=remote_addr[:64], outcome=Outcome.INVALID)
    if not hmac.compare_digest((token or "").encode(), settings.MPESA_CALLBACK_TOKEN.encode()):
        return _record_close(record, Outcome.UNAUTHENTICATED, "wrong callback token")
    try:
        result = mpesa.callback_parse(body)
    except CallbackInvalid as exc:
        return _record_close(record, Outcome.INVALID, str(exc))
    return payment_result_apply(provider=Provider.MPESA, result=result, record=record)


def _record_close(record: ProviderCallback | None, outcome: str, detail: str = "", attempt=None):
    """Close the callback's record with what became of it (a status query has no record)."""
    if record is None:
        logger.info("%s status query: %s %s", attempt.provider if attempt else "?", outcome, detail)
        return None
    record.outcome, record.detail, record.attempt = outcome, detail[:255], attempt
    record.save(update_fields=["outcome", "detail", "attempt", "updated"])
    log = logger.info if outcome in (Outcome.CREDITED, Outcome.DUPLICATE, Outcome.NOT_PAID) else logger.warning
    log("%s callback %s: %s %s", record.provider, record.pk, outcome, detail)
    return record


def order_payment_refresh(*, order: Order) -> None:
    """ORDER_PAYMENT_REFRESH_HOOKS: before an order's payment state is shown, ask the provider
    about its pending prompts (a callback may be late or lost). Outside any transaction."""
    for attempt in PaymentAttempt.objects.filter(order=order, provider=Provider.MPESA, status=Status.PENDING):
        try:
            result = mpesa.stk_query(mpesa.mpesa_config_from_settings(), attempt.provider_reference)
        except ProviderError as exc:
            logger.warning("status query of attempt %s failed: %s", attempt.pk, exc)
            continue
        if result.status != ResultStatus.PENDING:
            payment_result_apply(provider=Provider.MPESA, result=result)


@transaction.atomic
def payment_result_apply(*, provider: str, result: ProviderResult,
                         record: ProviderCallback | None = None) -> ProviderCallback | None:
    """Apply a provider's word on one attempt, once: the attempt is locked and a terminal one
    never changes (a late failure after a success is ignored, a replay credits nothing)."""
    attempt = (PaymentAttempt.objects.select_for_update()
               .filter(provider=provider, provider_reference=result.provider_reference).first())
    if attempt is None:
        return _record_close(record, Outcome.UNKNOWN_REFERENCE, f"no attempt {result.provider_reference}")
    if attempt.status in PaymentAttempt.TERMINAL:
        return _record_close(record, Outcome.DUPLICATE, f"attempt already {attempt.status}", attempt)
    if result.status == ResultStatus.PENDING:
        return _record_close(record, Outcome.NOT_PAID, "still pending", attempt)
    attempt.status, attempt.description = RESULT_STATUS[result.status], result.description[:255]
    if result.status != ResultStatus.SUCCEEDED:
        attempt.save(update_fields=["status", "description", "updated"])
        return _record_close(record, Outcome.NOT_PAID, result.description, attempt)
    attempt.receipt = result.receipt or result.provider_reference
    attempt.amount_received = result.amount if result.amount is not None else attempt.amount
    attempt.review_reason = _credit(attempt, currency=result.currency or attempt.currency, raw=result.raw)
    attempt.save(update_fields=["status", "description", "receipt", "amount_received", "review_reason", "updated"])
    if attempt.review_reason:
        return _record_close(record, Outcome.REVIEW, attempt.review_reason, attempt)
    return _record_close(record, Outcome.CREDITED, attempt.receipt, attempt)


def _credit(attempt: PaymentAttempt, *, currency: str, raw: dict) -> str:
    """Credit the money to the order; why not, when it cannot be (kept for staff), else ""."""
    if currency != attempt.currency:
        return f"received {currency}, the order is in {attempt.currency}"
    try:
        payment_apply(order_id=attempt.order_id, amount=attempt.amount_received, currency=currency,
                      provider=attempt.provider, reference=attempt.receipt, raw=raw)
    except DomainError as exc:
        return f"not credited: {exc.message}"[:255]
    return ""


@dataclass(frozen=True)
class SandboxOutcome:
    order_number: str
    order_status: str
    callback_outcome: str


def sandbox_complete(*, order_number: str, result: str, amount=None) -> SandboxOutcome:
    """PAYMENTS_MODE=sandbox: the order's provider delivers its real callback for the pending
    attempt (one is started for `amount`, default the balance, when none is pending)."""
    order = Order.objects.filter(order_number=(order_number or "").strip().upper()).first()
    if order is None:
        raise NotFound("No order with this number.")
    attempt = (PaymentAttempt.objects.filter(order=order, provider=Provider.MPESA, status=Status.PENDING)
               .order_by("-created").first())
    if attempt is None:
        with transaction.atomic():
            attempt = payment_attempt_create(order=order, provider=Provider.MPESA, amount=amount)
        attempt = payment_push(attempt_id=attempt.pk)
        if attempt.status != Status.PENDING:
            raise OrderNotPayable(f"The payment request failed: {attempt.description}")
    code = {"success": mpesa.SUCCESS, "failed": 1, "cancelled": 1032}[result]
    body = mpesa.sandbox_callback(attempt.provider_reference, result_code=code, amount=amount or attempt.amount,
                                  phone=attempt.phone)
    record = mpesa_callback_receive(token=settings.MPESA_CALLBACK_TOKEN, body=body, headers={"X-Sandbox": "1"},
                                    remote_addr="sandbox")
    order.refresh_from_db()
    return SandboxOutcome(order_number=order.order_number, order_status=order.status, callback_outcome=record.outcome)
