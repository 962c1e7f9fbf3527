"""The outbox: enqueue inside the caller's transaction, deliver after commit, exactly once."""
import logging
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

# A message claimed longer ago than this belongs to a worker that died; the sweep retries it.
CLAIM_LEASE = timedelta(minutes=5)


def message_enqueue(*, channel: str, recipient: str, template: str, context: dict,
                    dedupe_key: str | None = None) -> OutboxMessage:
    """Write a message in the current transaction; its delivery is queued once that commits."""
    from notifications.tasks import message_deliver_task

    if dedupe_key:
        message, created = OutboxMessage.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={"channel": channel, "recipient": recipient, "template": template, "context": context},
        )
        if not created:
            return message
    else:
        message = OutboxMessage.objects.create(
            channel=channel, recipient=recipient, template=template, context=context
        )
    message_id = message.id
    transaction.on_commit(lambda: message_deliver_task.delay(message_id=str(message_id)))
    return message


def _message_claim(message_id) -> OutboxMessage | None:
    """Move a due message to SENDING under a row lock, so that one worker alone delivers it."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return None
        message.status = OutboxMessage.Status.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts", "updated"])
    return message


def message_render(message: OutboxMessage) -> dict:
    base = f"notifications/{message.template}"
    if message.channel == OutboxMessage.Channel.SMS:
        return {"text": render_to_string(f"{base}.sms.txt", message.context).strip()}
    return {
        "subject": " ".join(render_to_string(f"{base}.subject.txt", message.context).split()),
        "text": render_to_string(f"{base}.txt", message.context),
        "html": render_to_string(f"{base}.html", message.context),
    }


def message_deliver(*, message_id) -> OutboxMessage | None:
    """Deliver one message if it is still pending; a no-op for one already sent or claimed."""
    message = _message_claim(message_id)
    if message is None:
        return None
    rendered = message_render(message)
    if message.channel == OutboxMessage.Channel.EMAIL:
        email = EmailMultiAlternatives(rendered["subject"], rendered["text"], to=[message.recipient])
        email.attach_alternative(rendered["html"], "text/html")
        email.send()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), last_error="", updated=timezone.now()
    )
    logger.info("delivered %s %s to %s", message.channel, message.template, message.recipient)
    message.refresh_from_db()
    return message
