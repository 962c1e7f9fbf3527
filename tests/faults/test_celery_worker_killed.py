"""A Celery worker killed (SIGKILL) while it delivers a message: once the outbox lease has passed,
another worker process delivers it, once; within the lease, nobody takes it for a dead worker's."""
import os
import signal
from pathlib import Path

import pytest
from django.db import transaction

from notifications.models import OutboxMessage
from notifications.services import message_enqueue, messages_sweep
from tests.celery_worker import wait_for
from tests.faults.messages import deliveries, file_backends
from tests.notifications.helpers import message_age

pytestmark = pytest.mark.django_db(transaction=True)
Status = OutboxMessage.Status
SLOW_FIRST_ATTEMPT = "tests.faults.messages.SlowFileSmsBackend"


def _state(message) -> tuple:
    message.refresh_from_db()
    return message.status, message.attempts


def _sending_pid(tmp_path: Path, message) -> int:
    marker = Path(f"{tmp_path / 'sms.jsonl'}.{message.pk}.sending")
    return int(wait_for(lambda: marker.exists() and marker.read_text(), timeout=30))


@pytest.mark.parametrize("pool", ["solo", "prefork"])
def test_message_delivered_once_by_another_worker_process_when_one_is_killed_mid_delivery(
        start_worker, tmp_path, settings, pool):
    """solo: the whole worker dies, a second worker takes over. prefork: the pool child dies, Celery
    hands the task back at once (reject on worker lost) and the new child refuses it until the lease
    has passed."""
    env = {"SLOW_SMS_SECONDS": "120", **file_backends(tmp_path, sms_backend=SLOW_FIRST_ATTEMPT)}
    first = start_worker(pool=pool, **env)
    with transaction.atomic():
        message = message_enqueue(channel="sms", recipient="+254720111222", template="verification_code",
                                  context={"code": "24680", "ttl_minutes": 15})
    os.kill(_sending_pid(tmp_path, message), signal.SIGKILL)
    if pool == "solo":
        first.process.wait(timeout=10)
        start_worker(pool=pool, **env)
    else:  # the task handed back has run in the new child, and found the message claimed
        wait_for(lambda: "succeeded" in first.log.read_text(errors="replace"), timeout=30)
    assert _state(message) == (Status.SENDING, 1)
    assert messages_sweep() == 0  # within the lease: it may still be on its way

    message_age(message, seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    assert messages_sweep() == 1
    wait_for(lambda: _state(message)[0] == Status.SENT, timeout=30)
    assert _state(message) == (Status.SENT, 2)
    assert deliveries(tmp_path) == {str(message.pk): 1}
    assert messages_sweep() == 0
