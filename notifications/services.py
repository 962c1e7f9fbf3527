"""The outbox: enqueue inside the caller's transaction, deliver after commit, once.

"Once" holds against concurrent workers and replays (row lock, status transition). The one
exception is a worker that dies after the provider accepted a message but before it was marked
SENT: past the lease the sweep sends it again (at least once rather than never).

A message is claimed under a row lock (PENDING → SENDING), sent outside any transaction,
then marked SENT. Failures go back to PENDING with `next_attempt_at` (transient) or to DEAD
(permanent, or the last allowed attempt). The row is the truth: Celery's countdown only
saves waiting for the sweep, which queues whatever is due or was abandoned by a dead worker.

Two protections for the people messages reach. A message's first attempt counts against its
recipient's limit (OUTBOX_*_RECIPIENT_RATE, a shared-cache counter, so it holds across workers):
over it, the message is DEAD with last_error "rate_limited: …" and is not sent, while the action
that caused it stands. And the context values named in `secret_keys` (one-time codes) are
replaced the moment a message is SENT or DEAD, so the outbox keeps nothing usable afterwards.
"""
import logging
import random
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from mookh.core.errors import NotFound
from mookh.core.identity import email_identity
from mookh.core.phone import InvalidPhoneNumber, phone_normalize
from mookh.core.publishing import task_publish
from mookh.core.throttling import limit_hit
from notifications.delivery import message_transmit
from notifications.errors import DeliveryError, MessageNotResendable, PermanentDeliveryError, RecipientRateLimited
from notifications.models import OutboxMessage
from notifications.rendering import message_template_check
from notifications.selectors import messages_claimable_q, messages_due_ids

logger = logging.getLogger(__name__)
Status = OutboxMessage.Status


def message_enqueue(*, channel: str, recipient: str, template: str, context: dict,
                    dedupe_key: str | None = None, order_id=None,
                    secret_keys: Iterable[str] = ()) -> OutboxMessage | None:
    """Write a message in the current transaction; its delivery is queued once that commits.

    A second call with the same `dedupe_key` returns the first message and queues nothing.
    No recipient (a customer without a phone) means no message: returns None. An invalid
    recipient is recorded as DEAD, so that the action that caused it still succeeds.
    `secret_keys` name the context values (one-time codes) removed once the message is delivered.
    """
    message_template_check(channel=channel, template=template)
    if not (recipient or "").strip():
        logger.info("no %s recipient for %s; nothing queued", channel, template)
        return None
    recipient, problem = _recipient_clean(channel, recipient)
    fields = {"channel": channel, "recipient": recipient, "template": template, "context": context,
              "order_id": order_id, "secret_keys": sorted(set(secret_keys))}
    if problem:
        fields.update(status=Status.DEAD, last_error=f"invalid_recipient: {problem}")
        fields["context"] = OutboxMessage(**fields).context_with_secrets(OutboxMessage.SECRET_REMOVED)
    if dedupe_key:
        message, created = OutboxMessage.objects.get_or_create(dedupe_key=dedupe_key, defaults=fields)
        if not created:
            return message
    else:
        message = OutboxMessage.objects.create(**fields)
    if message.status == Status.PENDING:
        transaction.on_commit(partial(_delivery_queue, message.pk))
    return message


def _recipient_clean(channel: str, recipient: str) -> tuple[str, str]:
    recipient = recipient.strip()
    try:
        if channel == OutboxMessage.Channel.SMS:
            return phone_normalize(recipient), ""
        validate_email(recipient)
        return recipient, ""
    except (InvalidPhoneNumber, ValidationError) as exc:
        logger.warning("invalid %s recipient %r: %s", channel, recipient, exc)
        return recipient, str(getattr(exc, "message", exc))


def _delivery_queue(message_id, *, countdown: float | None = None) -> bool:
    """Publish the delivery task; never raises nor waits on a broker that is down: the sweep delivers later."""
    from notifications.tasks import message_deliver_task

    if not task_publish(message_deliver_task, kwargs={"message_id": str(message_id)}, countdown=countdown):
        logger.warning("could not queue delivery of outbox message %s; the sweep will retry", message_id)
        return False
    return True


def message_deliver(*, message_id) -> OutboxMessage | None:
    """Deliver one message if it is due; a no-op (None) when it is sent, dead, claimed or not due.

    Returns the message after this attempt: SENT, DEAD, or PENDING with `next_attempt_at`.
    """
    message = _message_claim(message_id)
    if message is None:
        return None
    try:
        if message.attempts == 1:  # a retry or a re-claim was counted by its first attempt
            _recipient_limit_count(message)
        provider_id = message_transmit(message)
    except DeliveryError as exc:
        return _message_failed(message, exc)
    except Exception as exc:  # an unforeseen provider exception or time limit: retried, and logged
        logger.exception("delivery of outbox message %s failed unexpectedly", message.pk)
        return _message_failed(message, exc)
    return _message_sent(message, provider_id)


def _recipient_limit_count(message: OutboxMessage) -> None:
    """Count a message to its recipient; RecipientRateLimited when the recipient has had enough."""
    rate = settings.OUTBOX_TEMPLATE_RECIPIENT_RATES.get(message.template)
    scope = f"outbox_{message.channel}:{message.template}" if rate else f"outbox_{message.channel}"
    if not rate:
        rate = {OutboxMessage.Channel.EMAIL: settings.OUTBOX_EMAIL_RECIPIENT_RATE,
                OutboxMessage.Channel.SMS: settings.OUTBOX_SMS_RECIPIENT_RATE}[message.channel]
    identity = email_identity(message.recipient) if message.channel == OutboxMessage.Channel.EMAIL \
        else message.recipient
    if limit_hit(scope, identity, rate=rate) is not None:
        raise RecipientRateLimited(f"more than {rate} {message.channel} messages to this recipient")


def _message_claim(message_id) -> OutboxMessage | None:
    """Move a claimable message to SENDING under a row lock, so that one worker alone sends it."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(messages_claimable_q(now), pk=message_id)
            .first()
        )
        if message is None:
            return None
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            # Only a SENDING row can get here: its workers kept dying (killed at the time limit).
            message.status, message.next_attempt_at = Status.DEAD, None
            message.last_error = f"worker_lost: no result after {message.attempts} attempts"
            message.context = message.context_with_secrets(OutboxMessage.SECRET_REMOVED)
            message.save(update_fields=["status", "next_attempt_at", "last_error", "context", "updated"])
            logger.error("outbox message %s is DEAD: %s", message.pk, message.last_error)
            return None
        message.status, message.claimed_at = Status.SENDING, now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts", "updated"])
    return message


def _claimed(message: OutboxMessage):
    """The row, provided that our claim still holds (the sweep did not re-claim it meanwhile)."""
    return OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, attempts=message.attempts)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with a little jitter, so a provider outage does not end in a stampede."""
    base = settings.OUTBOX_RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    seconds = min(settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS, base * random.uniform(1, 1.2))
    return timedelta(seconds=seconds)


def _message_failed(message: OutboxMessage, exc: Exception) -> OutboxMessage:
    now = timezone.now()
    code = getattr(exc, "code", type(exc).__name__)
    dead = isinstance(exc, PermanentDeliveryError) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    changes = {
        "status": Status.DEAD if dead else Status.PENDING,
        "next_attempt_at": None if dead else now + retry_delay(message.attempts),
        "last_error": f"{code}: {exc}"[:2000],
        "updated": now,
    }
    if dead and message.secret_keys:
        changes["context"] = message.context_with_secrets(OutboxMessage.SECRET_REMOVED)
    if not _claimed(message).update(**changes):
        logger.warning("outbox message %s was re-claimed while this attempt ran", message.pk)
    for name, value in changes.items():
        setattr(message, name, value)
    log = logger.error if dead and not isinstance(exc, RecipientRateLimited) else logger.warning
    log("outbox message %s attempt %d failed (%s): %s", message.pk, message.attempts, message.status, exc)
    return message


def _message_sent(message: OutboxMessage, provider_id: str) -> OutboxMessage:
    now = timezone.now()
    changes = {"status": Status.SENT, "sent_at": now, "next_attempt_at": None, "last_error": "",
               "provider_message_id": (provider_id or "")[:200], "updated": now}
    if message.secret_keys:
        changes["context"] = message.context_with_secrets(OutboxMessage.SECRET_REMOVED)
    # One autocommitted UPDATE unless a hook must commit with it: a round trip less per message.
    with transaction.atomic() if settings.OUTBOX_SENT_HOOK else nullcontext():
        if _claimed(message).update(**changes):
            for name, value in changes.items():
                setattr(message, name, value)
            _sent_hook_call(message)
        else:
            logger.warning("outbox message %s was re-claimed after its lease expired", message.pk)
            message.refresh_from_db()
    logger.info("delivered %s %s to %s", message.channel, message.template, message.recipient)
    return message


def _sent_hook_call(message: OutboxMessage) -> None:
    """OUTBOX_SENT_HOOK (dotted path) runs in the transaction that marks the message SENT.

    It may only write to the database (e.g. an order's flag_email_sent). Its failure is
    logged and rolled back alone: the message was sent and must never be sent again.
    """
    if not settings.OUTBOX_SENT_HOOK:
        return
    try:
        with transaction.atomic():
            import_string(settings.OUTBOX_SENT_HOOK)(message=message)
    except Exception:  # the hook belongs to another app; its bug must not resend a message
        logger.exception("OUTBOX_SENT_HOOK failed for outbox message %s", message.pk)


@transaction.atomic
def message_resend(*, message_id) -> OutboxMessage:
    """Give a DEAD (or stuck PENDING) message a fresh set of attempts and queue it."""
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound()
    if message.status not in (Status.DEAD, Status.PENDING):
        raise MessageNotResendable(message_id=str(message_id), status=message.status)
    if message.status == Status.DEAD and message.secret_keys:
        raise MessageNotResendable("Its one-time values were removed; the user must ask for a new one.",
                                   message_id=str(message_id), status=message.status)
    message.status, message.attempts = Status.PENDING, 0
    message.next_attempt_at = message.claimed_at = None
    message.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_at", "updated"])
    transaction.on_commit(partial(_delivery_queue, message.pk))
    return message


def messages_sweep(*, limit: int = 500) -> int:
    """Queue every due or abandoned message (one task each); returns how many were queued."""
    queued = 0
    for message_id in messages_due_ids(limit=limit):
        if not _delivery_queue(message_id):
            break  # the broker is down: the next sweep tries again
        queued += 1
    if queued:
        logger.info("outbox sweep queued %d messages", queued)
    return queued
