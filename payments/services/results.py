"""Apply what a provider says about an attempt, once, and keep a record of every callback.

Every result — a callback, a sandbox completion, a status query — goes through
`payment_result_apply`: the attempt is locked, a terminal attempt never changes again, and the
money is credited through `payment_apply` (crediting.py), whose unique (provider, receipt)
constraint is what guarantees "once". Money that cannot be credited (the order expired or was
paid already, more than the balance, another currency) is never dropped: the attempt keeps it,
flagged for staff with `review_reason`, and money in the order's currency goes back through the
provider after commit (refunds.py, late money).
"""
import hmac
import logging
from decimal import Decimal

from django.db import transaction

from mookh.core import metrics
from mookh.core.errors import DomainError
from mookh.core.storable import text_storable
from payments.models import PaymentAttempt, ProviderCallback
from payments.providers.base import ProviderResult, ResultStatus
from payments.services.crediting import payment_apply
from payments.services.refunds import late_money_refund_record

logger = logging.getLogger(__name__)
Status = PaymentAttempt.Status
Outcome = ProviderCallback.Outcome
AMOUNT_LIMIT = Decimal("1e12")  # what PaymentAttempt.amount_received (14 digits, 2 places) holds
# Callbacks that credit nothing because they cannot be read, authenticated or matched to an attempt.
REJECTED = (Outcome.INVALID, Outcome.UNAUTHENTICATED, Outcome.UNKNOWN_REFERENCE)
RESULT_STATUS = {ResultStatus.SUCCEEDED: Status.SUCCEEDED, ResultStatus.FAILED: Status.FAILED,
                 ResultStatus.CANCELLED: Status.CANCELLED}


def callback_token_matches(given: str, expected: str) -> bool:
    """A callback URL's secret path token, compared in constant time; an unset secret matches nothing."""
    return bool(expected) and hmac.compare_digest((given or "").encode(), expected.encode())


def callback_record(*, provider: str, body: bytes, headers: dict, remote_addr: str) -> ProviderCallback:
    """Store a callback before anything is made of it (autocommitted: kept whatever follows).

    A character PostgreSQL cannot hold (NUL) in the body or a header is kept as U+FFFD (text_storable)."""
    headers = {text_storable(str(name)): text_storable(str(value)) for name, value in headers.items()}
    body_text = text_storable(body.decode(errors="replace"))[:100_000]
    return ProviderCallback.objects.create(provider=provider, body=body_text, headers=headers,
                                           remote_addr=text_storable(remote_addr)[:64],
                                           outcome=Outcome.INVALID)


def callback_close(record: ProviderCallback | None, outcome: str, detail: str = "", attempt=None):
    """Close the callback's record with what became of it (a status query has no record)."""
    if record is None:
        logger.info("%s status query: %s %s", attempt.provider if attempt else "?", outcome, detail)
        return None
    record.outcome, record.detail, record.attempt = outcome, detail[:255], attempt
    record.save(update_fields=["outcome", "detail", "attempt", "updated"])
    if outcome in REJECTED:
        metrics.callback_rejected(provider=record.provider, reason=outcome)
    log = logger.info if outcome in (Outcome.CREDITED, Outcome.DUPLICATE, Outcome.NOT_PAID) else logger.warning
    log("%s callback %s: %s %s", record.provider, record.pk, outcome, detail)
    return record


@transaction.atomic
def payment_result_apply(*, provider: str, result: ProviderResult,
                         record: ProviderCallback | None = None) -> ProviderCallback | None:
    """Apply a provider's word on one attempt, once: the attempt is locked and a terminal one
    never changes (a late failure after a success is ignored, a replay credits nothing)."""
    attempt = (PaymentAttempt.objects.select_for_update()
               .filter(provider=provider, provider_reference=result.provider_reference).first())
    if attempt is None:
        return callback_close(record, Outcome.UNKNOWN_REFERENCE, f"no attempt {result.provider_reference}")
    if attempt.status in PaymentAttempt.TERMINAL:
        return callback_close(record, Outcome.DUPLICATE, f"attempt already {attempt.status}", attempt)
    if result.status == ResultStatus.PENDING:
        return callback_close(record, Outcome.NOT_PAID, "still pending", attempt)
    attempt.status, attempt.description = RESULT_STATUS[result.status], result.description[:255]
    if result.status != ResultStatus.SUCCEEDED:
        attempt.save(update_fields=["status", "description", "updated"])
        return callback_close(record, Outcome.NOT_PAID, result.description, attempt)
    attempt.receipt = (result.receipt or result.provider_reference)[:100]
    amount = result.amount if result.amount is not None else attempt.amount
    if not (amount.is_finite() and abs(amount) < AMOUNT_LIMIT):
        # Nothing a payment column can hold: kept for staff as the provider said it, in the record.
        attempt.amount_received, attempt.review_reason = None, f"unreadable amount {str(amount)[:40]}"
    else:
        attempt.amount_received = amount
        attempt.review_reason = _credit(attempt, currency=result.currency or attempt.currency, raw=result.raw)
    attempt.save(update_fields=["status", "description", "receipt", "amount_received", "review_reason", "updated"])
    if attempt.review_reason:
        late_money_refund_record(attempt=attempt, currency=result.currency or attempt.currency)
        return callback_close(record, Outcome.REVIEW, attempt.review_reason, attempt)
    return callback_close(record, Outcome.CREDITED, attempt.receipt, attempt)


def _credit(attempt: PaymentAttempt, *, currency: str, raw: dict) -> str:
    """Credit the money to the order; why not, when it cannot be (kept for staff), else ""."""
    if currency != attempt.currency:
        return f"received {currency}, the order is in {attempt.currency}"
    if attempt.amount_received <= 0:
        return f"received {attempt.amount_received} {currency}: nothing to credit"
    try:
        payment_apply(order_id=attempt.order_id, amount=attempt.amount_received, currency=currency,
                      provider=attempt.provider, reference=attempt.receipt, raw=raw)
    except DomainError as exc:
        return f"not credited: {exc.message}"[:255]
    return ""
