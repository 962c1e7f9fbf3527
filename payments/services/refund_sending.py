"""A reserved refund goes to its provider and its outcome is recorded, once.

`refund_send` claims a PENDING refund (a conditional UPDATE with a lease, so two workers never
send it together), asks the provider outside any transaction, then records the answer under the
order's lock, or the unmatched money's for a refund of money no order took
(`refund_result_record`): DONE, FAILED with the provider's reason, or PENDING until
the provider's result (its callback, or its status query for a provider that posts none). A provider
out of reach is asked again later (bounded, with backoff); after the last try the refund is
FAILED, and staff may send it again (`refund_retry`). When everything a PAID order received is
back, the order becomes REFUNDED through `orders.services.order_refund`; unmatched money whose
refund is DONE becomes REFUNDED.
"""
import logging
import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from mookh.core.errors import NotFound
from orders.models import Order, OrderStatus
from orders.services import order_refund
from orders.services.lifecycle import order_lock
from payments.errors import RefundNotRetryable
from payments.models import PaymentAttempt, Provider, Refund, UnmatchedPayment
from payments.providers.base import ProviderError, RefundRequest, RefundResult, ResultStatus
from payments.providers.refunds import REFUNDERS, refunder
from payments.routes import public_url
from users.selectors import user_or_none

logger = logging.getLogger(__name__)
Status = Refund.Status
CLAIM_LEASE = timedelta(minutes=5)     # a worker that died while sending lets go after this
SEND_TRIES = 5                          # a provider out of reach is asked this many times in all
STATUS_CHECKS = 20                      # a refund the provider is still processing is asked about this often
RETRY_BACKOFF_SECONDS = 60              # doubled after each try
SANDBOX_HEADERS = {"X-Sandbox": "1"}
SWEEP_AFTER = timedelta(minutes=10)     # a PENDING refund untouched this long has lost its task


def refund_send(*, refund_id) -> Refund:
    """Send a PENDING refund to its provider and record the answer; idempotent: a refund done,
    failed, handed back by staff, waiting for its provider's result or being sent by another
    worker is left as it is."""
    refund = _claim(refund_id)
    money = refunder(refund.provider) if refund else None
    if money is None:
        return Refund.objects.get(pk=refund_id)
    try:
        result = money.refund(_request_of(refund))
    except ProviderError as exc:
        return _unsent_record(refund_id=refund.pk, error=exc)
    except Exception as exc:  # a fault of ours or of the configuration: FAILED for staff, never retried blindly
        logger.exception("refund %s: %s could not be asked", refund.pk, refund.provider)
        return _unsent_record(refund_id=refund.pk, error=ProviderError(f"{type(exc).__name__}: {exc}"[:200],
                                                                       code="refund_error"))
    refund, _ = refund_result_record(refund_id=refund.pk, result=result)
    if refund.status == Status.PENDING:
        _results_follow(refund, money)
        refund.refresh_from_db()
    return refund


def _claim(refund_id) -> Refund | None:
    now = timezone.now()
    claimable = Refund.objects.filter(pk=refund_id, status=Status.PENDING, by_hand=False, sent_at__isnull=True).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
    if not claimable.update(claimed_at=now, tries=F("tries") + 1, updated=now):
        return None
    refund = Refund.objects.select_related("order", "payment", "attempt", "unmatched").get(pk=refund_id)
    if not refund.provider_reference:  # our name for the request, kept while it may be sent again
        refund.provider_reference = str(uuid.uuid4())
        refund.save(update_fields=["provider_reference", "updated"])
    return refund


def _request_of(refund: Refund) -> RefundRequest:
    if refund.unmatched_id:
        receipt, carried, collection = refund.unmatched.receipt, refund.unmatched.amount, ""
    elif refund.payment_id:
        receipt, carried = refund.payment.reference, refund.payment.amount
        collection = (PaymentAttempt.objects.filter(provider=refund.provider, receipt=receipt)
                      .values_list("provider_reference", flat=True).first())
    else:
        receipt, carried = refund.attempt.receipt, refund.attempt.amount_received
        collection = refund.attempt.provider_reference
    urls = {}
    if refund.provider == Provider.MPESA:
        urls = {"result_url": public_url("payments-callback-mpesa-reversal", token=settings.MPESA_CALLBACK_TOKEN),
                "timeout_url": public_url("payments-callback-mpesa-reversal-timeout",
                                          token=settings.MPESA_CALLBACK_TOKEN)}
    return RefundRequest(reference=refund.provider_reference, payment_reference=receipt, payment_amount=carried,
                         amount=refund.amount, currency=refund.currency,
                         order_number=refund.order.order_number if refund.order_id else "",
                         collection_reference=collection or "", **urls)


@transaction.atomic
def _unsent_record(*, refund_id, error: ProviderError) -> Refund:
    """Nothing went back: try again later while the provider was only out of reach, else FAILED."""
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != Status.PENDING:
        return refund
    refund.claimed_at = None
    if error.retryable and refund.tries < SEND_TRIES:
        refund.failure_reason = f"try {refund.tries} of {SEND_TRIES}: {error}"[:255]
        refund.save(update_fields=["claimed_at", "failure_reason", "updated"])
        transaction.on_commit(partial(refund_send_queue, refund.pk, countdown=_backoff(refund.tries)))
        logger.warning("refund %s: %s; trying again later", refund.pk, error)
        return refund
    refund.status = Status.FAILED
    refund.failure_reason = (f"unreachable after {refund.tries} tries: {error}" if error.retryable
                             else str(error))[:255]
    refund.save(update_fields=["status", "claimed_at", "failure_reason", "updated"])
    logger.warning("refund %s failed: %s", refund.pk, refund.failure_reason)
    return refund


@transaction.atomic
def refund_result_record(*, refund_id, result: RefundResult) -> tuple[Refund, bool]:
    """Apply a provider's word on one refund under its order's (or unmatched money's) lock: DONE
    and FAILED are final (a replayed result changes nothing: the second value is False), PENDING
    waits for the result. A refund DONE may complete the order's refund (REFUNDED), or resolves
    the unmatched money it returned (REFUNDED)."""
    order, unmatched = _owner_lock(refund_id)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != Status.PENDING:
        return refund, False
    refund.claimed_at = None
    refund.provider_reference = (result.provider_reference or refund.provider_reference)[:100]
    if result.status == ResultStatus.SUCCEEDED:
        refund.status, refund.done_at = Status.DONE, timezone.now()
        refund.receipt, refund.failure_reason = result.receipt[:100], ""
    elif result.status == ResultStatus.PENDING:
        refund.sent_at = refund.sent_at or timezone.now()
        money = refunder(refund.provider)
        if money and money.status:
            transaction.on_commit(partial(refund_status_queue, refund.pk, countdown=_backoff(refund.tries)))
    else:
        refund.status, refund.failure_reason = Status.FAILED, (result.description or "refused")[:255]
    refund.save()
    logger.info("refund %s of %s: %s %s", refund.pk, _owner_label(order, unmatched), refund.status,
                result.description)
    if refund.status == Status.DONE:
        _settle(order, unmatched, by_user=refund.requested_by)
    return refund, True


def _owner_lock(refund_id) -> tuple[Order | None, UnmatchedPayment | None]:
    """Lock what the refund returns money of, its order or its unmatched money, before the refund
    row (the order every refund path takes)."""
    owner = Refund.objects.filter(pk=refund_id).values("order_id", "unmatched_id").first()
    if owner is None:
        raise NotFound("No such refund.")
    if owner["order_id"]:
        return order_lock(owner["order_id"]), None
    return None, UnmatchedPayment.objects.select_for_update().get(pk=owner["unmatched_id"])


def _owner_label(order: Order | None, unmatched: UnmatchedPayment | None) -> str:
    return f"order {order.order_number}" if order else f"unmatched {unmatched.provider} {unmatched.receipt}"


def _settle(order: Order | None, unmatched: UnmatchedPayment | None, *, by_user=None) -> None:
    if order is not None:
        _order_settle(order, by_user=by_user)
    else:
        _unmatched_settle(unmatched, by_user=by_user)


def _unmatched_settle(unmatched: UnmatchedPayment, *, by_user=None) -> None:
    """Unmatched money whose refund is DONE is REFUNDED. Run under the money's lock."""
    if unmatched.status != UnmatchedPayment.Status.OPEN:
        return
    if not Refund.objects.filter(unmatched=unmatched, status=Status.DONE).exists():
        return
    unmatched.status = UnmatchedPayment.Status.REFUNDED
    unmatched.resolved_by, unmatched.resolved_at = user_or_none(by_user), timezone.now()
    unmatched.save(update_fields=["status", "resolved_by", "resolved_at", "updated"])
    logger.info("unmatched %s %s %s refunded to the payer", unmatched.provider, unmatched.receipt, unmatched.amount)


def refund_status_refresh(*, refund_id) -> Refund:
    """Ask the provider how a refund it is still processing went (outside any transaction);
    asked again later while it is pending, at most STATUS_CHECKS times."""
    refund = Refund.objects.filter(pk=refund_id, status=Status.PENDING, sent_at__isnull=False).first()
    money = refunder(refund.provider) if refund else None
    if refund is None or money is None or money.status is None:
        return Refund.objects.get(pk=refund_id)
    Refund.objects.filter(pk=refund.pk).update(tries=F("tries") + 1)
    try:
        result = money.status(refund.provider_reference)
    except ProviderError as exc:
        logger.warning("refund %s: status query failed: %s", refund.pk, exc)
        result = RefundResult(status=ResultStatus.PENDING, provider_reference=refund.provider_reference)
    if result.status == ResultStatus.PENDING:
        refund.refresh_from_db()
        if refund.tries < STATUS_CHECKS:
            refund_status_queue(refund.pk, countdown=_backoff(min(refund.tries, 6)))
        else:
            logger.warning("refund %s still pending at %s after %s questions", refund.pk, refund.provider,
                           refund.tries)
        return refund
    return refund_result_record(refund_id=refund.pk, result=result)[0]


def _order_settle(order: Order, *, by_user=None) -> None:
    """A PAID order whose money is all back (or owed by hand, for cash) becomes REFUNDED: tickets
    voided, seats and promo uses back. Run under the order's lock."""
    if order.status != OrderStatus.PAID:
        return
    refunds = Refund.objects.filter(order=order, attempt__isnull=True)
    if refunds.filter(status=Status.PENDING, by_hand=False).exists():
        return
    back = refunds.filter(Q(status=Status.DONE) | Q(status=Status.PENDING, by_hand=True)).aggregate(
        total=Sum("amount"))["total"] or 0
    if back >= order.amount_paid:
        order_refund(order_id=order.pk, by_user=user_or_none(by_user), reason="refunded")


@transaction.atomic
def order_refund_settle(*, order_id, by_user=None) -> None:
    """`_order_settle` for an order, e.g. after cash refunds were recorded."""
    _order_settle(order_lock(order_id), by_user=by_user)


@transaction.atomic
def refund_retry(*, refund_id) -> Refund:
    """Staff send a FAILED refund again (a new request: new reference, tries from zero), if the
    money it returns has not been refunded since (unmatched money: still open, no other refund of
    it under way); queued after commit."""
    _, unmatched = _owner_lock(refund_id)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != Status.FAILED:
        raise RefundNotRetryable(f"The refund is {refund.status}: only a failed refund is sent again.")
    if unmatched is not None:
        _unmatched_retry_check(unmatched)
    if refund.payment_id:
        taken = Refund.objects.filter(payment_id=refund.payment_id, status__in=(Status.PENDING, Status.DONE)).aggregate(
            total=Sum("amount"))["total"] or 0
        if taken + refund.amount > refund.payment.amount:
            raise RefundNotRetryable(f"Only {refund.payment.amount - taken:.2f} {refund.currency} of this payment is "
                                     "left to refund.")
    refund.status, refund.tries, refund.provider_reference = Status.PENDING, 0, ""
    refund.claimed_at = refund.sent_at = None
    refund.failure_reason = f"sent again; before: {refund.failure_reason}"[:255]
    refund.save()
    transaction.on_commit(partial(refund_send_queue, refund.pk))
    return refund


def _unmatched_retry_check(unmatched: UnmatchedPayment) -> None:
    if unmatched.status != UnmatchedPayment.Status.OPEN:
        raise RefundNotRetryable(f"{unmatched.receipt} is already {unmatched.status.lower()}.")
    if Refund.objects.filter(unmatched=unmatched, status__in=(Status.PENDING, Status.DONE)).exists():
        raise RefundNotRetryable(f"Another refund of {unmatched.receipt} is under way or done.")


@transaction.atomic
def refund_returned_by_hand(*, refund_id, by_user=None) -> Refund:
    """Staff handed a cash refund back: DONE (and the order REFUNDED when that was all it owed)."""
    order, unmatched = _owner_lock(refund_id)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if not (refund.by_hand and refund.status == Status.PENDING):
        raise RefundNotRetryable("Only a cash refund still owed can be marked returned.", code="not_owed_by_hand")
    who = user_or_none(by_user)
    refund.status, refund.done_at = Status.DONE, timezone.now()
    refund.receipt = f"returned by {who.email if who else 'staff'}"[:100]
    refund.save(update_fields=["status", "done_at", "receipt", "updated"])
    _settle(order, unmatched, by_user=by_user)
    return refund


def refunds_due_ids(*, limit: int = 500) -> tuple[list, list]:
    """Beat: refunds whose task was lost (a broker outage, a worker that died) — PENDING ones never
    sent, and ones a provider is processing that can be asked about — untouched for SWEEP_AFTER."""
    stale = timezone.now() - SWEEP_AFTER
    pending = Refund.objects.filter(status=Status.PENDING, by_hand=False, updated__lte=stale).order_by("updated")
    unsent = list(pending.filter(sent_at__isnull=True).values_list("pk", flat=True)[:limit])
    askable = [provider for provider, money in REFUNDERS.items() if money.status]
    processing = list(pending.filter(sent_at__isnull=False, provider__in=askable, tries__lt=STATUS_CHECKS)
                      .values_list("pk", flat=True)[:limit])
    return unsent, processing


def refund_send_queue(refund_id, *, countdown: int | None = None) -> None:
    """Queue the refund's sending; never raises (a broker outage leaves it PENDING: staff see it)."""
    from payments.tasks import refund_send_task  # the tasks module imports this one

    try:
        refund_send_task.apply_async(kwargs={"refund_id": str(refund_id)}, countdown=countdown)
    except Exception:  # kombu/redis raise several types; any of them means "not queued now"
        logger.warning("could not queue refund %s", refund_id, exc_info=True)


def refund_status_queue(refund_id, *, countdown: int | None = None) -> None:
    """Queue a question about a refund its provider is processing; never raises."""
    from payments.tasks import refund_status_task

    try:
        refund_status_task.apply_async(kwargs={"refund_id": str(refund_id)}, countdown=countdown)
    except Exception:
        logger.warning("could not queue the status query of refund %s", refund_id, exc_info=True)


def _backoff(tries: int) -> int:
    return RETRY_BACKOFF_SECONDS * 2 ** max(tries - 1, 0)


def _results_follow(refund: Refund, money) -> None:
    """A refund whose result the provider posts: apply a result that came before we recorded the
    acknowledgement; in sandbox mode the provider posts it now, to the real receiver."""
    from payments.services.refund_callbacks import RESULT_RECEIVERS, refund_early_results_apply  # they record here

    refund_early_results_apply(refund)
    if money.sandbox_result and settings.PAYMENTS_MODE == "sandbox" and settings.PAYMENTS_SANDBOX_REFUND_RESULTS:
        body = money.sandbox_result(refund.provider_reference)
        if body is not None:
            RESULT_RECEIVERS[refund.provider](body=body, headers=SANDBOX_HEADERS, remote_addr="sandbox")
