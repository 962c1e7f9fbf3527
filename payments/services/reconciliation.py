"""Reconciliation: the providers are asked about mobile money requests whose callback is late or
lost (Daraja's sometimes never arrive, MTN sends each once), and what they say is applied
through `payment_result_apply`, the path callbacks take. A callback that turns up afterwards
finds the attempt final and credits nothing.

A beat job picks the attempts that are due, oldest first and at most PAYMENTS_RECONCILE_BATCH
per run (`payment_attempts_reconcile_due`), and fans out one `payment_reconcile` each:

- PENDING since PAYMENTS_RECONCILE_AFTER: the provider's status query (STK query, Airtel
  enquiry, MTN status). An attempt still pending is asked again after as long as it has waited
  so far (60 s, 120 s, 240 s… at most PAYMENTS_RECONCILE_BACKOFF_MAX), so a slow one is not asked
  every run; after PAYMENTS_RECONCILE_GIVE_UP it is left to staff (`review_reason`).
- PENDING with an order whose payment window closes within CLOSING_LOOKAHEAD: asked whatever its
  backoff, for money found once the window has closed is late (crediting refuses it, and it is
  kept for staff on the attempt); the expiry job asks once more before it closes the order.
- STARTING for STARTING_RESEND_AFTER: its request never left (the broker was down when it was
  queued). It is sent now while its order still takes money, else (or once it is
  STARTING_FAIL_AFTER old: a prompt that late would surprise the payer) it fails.

When each attempt may be asked next lives in the shared cache, not in its row: a run that finds
nothing new writes nothing to the database. Losing the cache only makes the next run ask early.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from orders.services.status import OPEN
from payments.models import PaymentAttempt, Provider
from payments.providers.base import ResultStatus
from payments.providers.mobile import mobile_money
from payments.services.attempts import payment_push
from payments.services.results import payment_result_apply

logger = logging.getLogger(__name__)
Status = PaymentAttempt.Status
MOBILE_PROVIDERS = (Provider.MPESA, Provider.AIRTEL, Provider.MTN)
STARTING_RESEND_AFTER = timedelta(minutes=2)
STARTING_FAIL_AFTER = timedelta(minutes=10)
# A picked attempt is not picked again until its task ran, or for this long if the task got lost.
PICK_LEASE = timedelta(minutes=5)
# Two runs of the job (every 30 s): an order's pending payments are asked about at least once in
# the last minute of its window.
CLOSING_LOOKAHEAD = timedelta(seconds=60)
PAGE = 500
NEXT_KEY = "payments:reconcile:next:{attempt_id}"  # when the attempt may be asked next (a timestamp)
LEASE_KEY = "payments:reconcile:lease:{attempt_id}"  # picked: its task is on its way


class Reconciled:
    """What `payment_reconcile` did with one attempt."""

    SETTLED = "settled"            # the provider's final answer was applied (credited, failed, cancelled)
    PENDING = "pending"            # still pending at the provider: asked again after a wait
    UNANSWERED = "unanswered"      # the provider could not be asked or answered nothing readable
    LEFT_TO_STAFF = "left_to_staff"  # pending past PAYMENTS_RECONCILE_GIVE_UP: no longer asked
    SENT = "sent"                  # a request stuck STARTING was sent now
    FAILED = "failed"              # a request stuck STARTING is too late to send
    NOTHING = "nothing"            # final already, not mobile money, or not due


@dataclass(frozen=True)
class ReconcileOutcome:
    attempt_id: object
    outcome: str


def payment_attempts_reconcile_due(*, now: datetime | None = None, limit: int | None = None) -> list:
    """The ids of the attempts to ask about now, at most `limit` (default PAYMENTS_RECONCILE_BATCH):
    first those whose order's window is closing, then the others oldest first. Each is leased
    until its `payment_reconcile` has run (at most PICK_LEASE), so that the next run does not pick
    it again while its task waits in the queue. Candidates are read a page at a time until `limit`
    are due: attempts waiting out their backoff never crowd the others out."""
    now = now or timezone.now()
    limit = limit or settings.PAYMENTS_RECONCILE_BATCH
    waiting = PaymentAttempt.objects.filter(provider__in=MOBILE_PROVIDERS, review_reason="")
    closing = list(waiting.filter(status=Status.PENDING, order__status__in=OPEN, order__expires_at__gt=now,
                                  order__expires_at__lte=now + CLOSING_LOOKAHEAD)
                   .order_by("order__expires_at", "pk").values_list("pk", "order__expires_at")[:limit])
    marks = _marks_get(pk for pk, _ in closing)
    # Asked unless a question is planned before the window closes (one planned after it is too late).
    due = [pk for pk, closes in closing if pk not in marks.leased
           and not now.timestamp() < marks.next_at.get(pk, 0) <= closes.timestamp()]
    candidates = (waiting.filter(Q(status=Status.PENDING, created__lte=now - settings.PAYMENTS_RECONCILE_AFTER)
                                 | Q(status=Status.STARTING, created__lte=now - STARTING_RESEND_AFTER))
                  .order_by("created", "pk").values_list("pk", "created"))
    after = None
    while len(due) < limit:
        page = candidates if after is None else candidates.filter(
            Q(created__gt=after[1]) | Q(created=after[1], pk__gt=after[0]))
        rows = list(page[:PAGE])
        marks, chosen = _marks_get(pk for pk, _ in rows), set(due)
        due += [pk for pk, _ in rows if pk not in marks.leased and pk not in chosen
                and marks.next_at.get(pk, 0) <= now.timestamp()]
        if len(rows) < PAGE:
            break
        after = rows[-1]
    due = due[:limit]
    cache.set_many({LEASE_KEY.format(attempt_id=pk): True for pk in due}, timeout=int(PICK_LEASE.total_seconds()))
    return due


def payment_reconcile(*, attempt_id, now: datetime | None = None) -> ReconcileOutcome:
    """Ask the provider about one attempt and apply a final answer; idempotent (a final attempt is
    left alone, and `payment_result_apply` credits a receipt once). Outside any transaction: the
    provider is called."""
    try:
        return _reconcile(attempt_id, now=now or timezone.now())
    finally:
        cache.delete(LEASE_KEY.format(attempt_id=attempt_id))


def _reconcile(attempt_id, *, now: datetime) -> ReconcileOutcome:
    attempt = PaymentAttempt.objects.select_related("order").filter(pk=attempt_id).first()
    money = mobile_money(attempt.method) if attempt is not None else None
    if money is None or attempt.status in PaymentAttempt.TERMINAL:
        return ReconcileOutcome(attempt_id, Reconciled.NOTHING)
    if attempt.status == Status.STARTING:
        return _starting_settle(attempt, now=now)
    try:
        result = money.status(attempt.provider_reference)
    except Exception:  # ProviderError, a provider out of reach, an answer that cannot be read: ask again later
        logger.warning("status query of attempt %s (%s) failed", attempt.pk, attempt.provider, exc_info=True)
        return _still_waiting(attempt, Reconciled.UNANSWERED, now=now)
    if result.status == ResultStatus.PENDING:
        return _still_waiting(attempt, Reconciled.PENDING, now=now)
    payment_result_apply(provider=attempt.provider, result=result)
    logger.info("reconciliation: attempt %s of order %s is %s at %s", attempt.pk, attempt.order.order_number,
                result.status, attempt.provider)
    return ReconcileOutcome(attempt.pk, Reconciled.SETTLED)


def _still_waiting(attempt: PaymentAttempt, outcome: str, *, now: datetime) -> ReconcileOutcome:
    """Nothing new: only the moment of the next question is noted (in the cache). Past the
    give-up age the attempt is left to staff instead."""
    waited = now - attempt.created
    if waited < settings.PAYMENTS_RECONCILE_GIVE_UP:
        wait = min(max(settings.PAYMENTS_RECONCILE_AFTER, waited), settings.PAYMENTS_RECONCILE_BACKOFF_MAX)
        _next_at_set(attempt.pk, now + wait, now=now)
        return ReconcileOutcome(attempt.pk, outcome)
    hours = int(settings.PAYMENTS_RECONCILE_GIVE_UP.total_seconds() // 3600)
    reason = f"no final answer from {attempt.get_provider_display()} after {hours} h of status queries: ask them"
    PaymentAttempt.objects.filter(pk=attempt.pk, status=Status.PENDING, review_reason="").update(
        review_reason=reason, updated=timezone.now())
    logger.warning("reconciliation: attempt %s of order %s left to staff: %s", attempt.pk,
                   attempt.order.order_number, reason)
    return ReconcileOutcome(attempt.pk, Reconciled.LEFT_TO_STAFF)


def _starting_settle(attempt: PaymentAttempt, *, now: datetime) -> ReconcileOutcome:
    """A request queued but never sent: send it while the order takes money and it is not too
    late, else fail it (the buyer can ask again from the payment page)."""
    waited = now - attempt.created
    if waited < STARTING_RESEND_AFTER:
        return ReconcileOutcome(attempt.pk, Reconciled.NOTHING)
    order = attempt.order
    if waited < STARTING_FAIL_AFTER and order.status in OPEN and order.expires_at > now:
        sent = payment_push(attempt_id=attempt.pk)
        # Sent now, its callback has PAYMENTS_RECONCILE_AFTER to come before the provider is asked;
        # still STARTING, another worker is sending it: looked at again then.
        _next_at_set(attempt.pk, now + settings.PAYMENTS_RECONCILE_AFTER, now=now)
        if sent.status == Status.STARTING:
            return ReconcileOutcome(attempt.pk, Reconciled.NOTHING)
        logger.warning("reconciliation: the request of attempt %s was sent %s late", attempt.pk, waited)
        return ReconcileOutcome(attempt.pk, Reconciled.SENT)
    PaymentAttempt.objects.filter(pk=attempt.pk, status=Status.STARTING).update(
        status=Status.FAILED, description="the payment request was not sent in time", updated=timezone.now())
    logger.warning("reconciliation: the request of attempt %s was never sent; failed", attempt.pk)
    return ReconcileOutcome(attempt.pk, Reconciled.FAILED)


@dataclass(frozen=True)
class _Marks:
    next_at: dict   # attempt id → when it may be asked next (a timestamp)
    leased: set     # attempt ids whose task is on its way


def _marks_get(attempt_ids) -> _Marks:
    """What the cache says about these attempts, in one round trip."""
    keys = {}
    for pk in attempt_ids:
        keys[NEXT_KEY.format(attempt_id=pk)] = ("next", pk)
        keys[LEASE_KEY.format(attempt_id=pk)] = ("lease", pk)
    found = cache.get_many(list(keys))
    return _Marks(next_at={keys[key][1]: value for key, value in found.items() if keys[key][0] == "next"},
                  leased={keys[key][1] for key in found if keys[key][0] == "lease"})


def _next_at_set(attempt_id, moment: datetime, *, now: datetime) -> None:
    cache.set(NEXT_KEY.format(attempt_id=attempt_id), moment.timestamp(),
              timeout=max(int((moment - now).total_seconds()) + 60, 60))
