from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone

from mookh.celery import app as celery_app
from notifications.models import OutboxMessage

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def _broker_switch(url: str, *, eager: bool) -> None:
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = url
    celery_app.conf.task_always_eager = eager
    # Celery binds its connection pools to the broker URL the first time it publishes;
    # dropping them makes the next publish connect to the URL set above.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_unreachable():
    """Tasks are published (not run in-process) to a broker that refuses connections."""
    url, eager = celery_app.conf.broker_write_url or celery_app.conf.broker_url, celery_app.conf.task_always_eager
    _broker_switch(UNREACHABLE_BROKER, eager=False)
    try:
        yield
    finally:
        _broker_switch(url, eager=eager)


def message_age(message: OutboxMessage, **ago) -> None:
    """Move the message's clock fields back, as if it had been written `ago` (timedelta kwargs) earlier."""
    delta = timedelta(**ago)
    fields = {"created": message.created - delta}
    for name in ("next_attempt_at", "claimed_at"):
        if getattr(message, name):
            fields[name] = getattr(message, name) - delta
    OutboxMessage.objects.filter(pk=message.pk).update(**fields)
    message.refresh_from_db()


def due_now(message: OutboxMessage) -> None:
    """Make a message waiting for its retry due now."""
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    message.refresh_from_db()


def pending_message(**fields) -> OutboxMessage:
    """A PENDING message whose delivery task is still queued somewhere (a factory, in effect)."""
    values = {"channel": "sms", "recipient": "+254720111222", "template": "verification_code",
              "context": {"code": "12345", "ttl_minutes": 15}, **fields}
    return OutboxMessage.objects.create(**values)
