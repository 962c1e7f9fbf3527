"""Transient failures are retried with backoff until DEAD; permanent ones are DEAD at once."""
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.errors import PermanentDeliveryError, TransientDeliveryError
from notifications.models import OutboxMessage
from notifications.services import message_deliver, message_enqueue
from notifications.tasks import message_deliver_task
from tests.notifications.helpers import due_now
from tests.notifications.sms_backends import FailingSmsBackend

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


@pytest.fixture
def failing_sms(settings, monkeypatch):
    settings.SMS_BACKEND = "tests.notifications.sms_backends.FailingSmsBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 5
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 30
    settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS = 1800
    monkeypatch.setattr(FailingSmsBackend, "error", TransientDeliveryError("gateway timeout"))
    monkeypatch.setattr(FailingSmsBackend, "calls", 0)
    return FailingSmsBackend


def _sms():
    return message_enqueue(channel="sms", recipient="+254720111222", template="verification_code",
                           context={"code": "12345"})


def test_transient_error_retried_with_exponential_backoff_then_dead(failing_sms):
    message = _sms()
    for attempt in range(1, 5):
        before = timezone.now()
        result = message_deliver(message_id=message.pk)
        message.refresh_from_db()
        assert (message.status, message.attempts) == (Status.PENDING, attempt)
        assert result.status == Status.PENDING
        expected = timedelta(seconds=30 * 2 ** (attempt - 1))
        assert expected <= message.next_attempt_at - before <= expected * 1.2 + timedelta(seconds=1)
        assert message.last_error == "transient: gateway timeout"
        assert message_deliver(message_id=message.pk) is None  # not due yet: nothing is sent
        due_now(message)
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.DEAD, 5, None)
    assert failing_sms.calls == 5
    assert message_deliver(message_id=message.pk) is None
    assert failing_sms.calls == 5


def test_permanent_error_dead_at_once(failing_sms):
    failing_sms.error = PermanentDeliveryError("bad number", code="InvalidPhoneNumber")
    message = _sms()
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.DEAD, 1)
    assert message.last_error == "InvalidPhoneNumber: bad number"
    assert message_deliver(message_id=message.pk) is None
    assert failing_sms.calls == 1


def test_unexpected_exception_treated_as_transient(failing_sms):
    failing_sms.error = KeyError("provider bug")
    message = _sms()
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert message.next_attempt_at > timezone.now()
    assert "provider bug" in message.last_error


def test_max_attempts_setting_decides_when_dead(failing_sms, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = _sms()
    message_deliver(message_id=message.pk)
    due_now(message)
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.DEAD, 2)


def test_backoff_capped_by_max_setting(failing_sms, settings):
    settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS = 40
    message = _sms()
    waits = []
    for _ in range(3):
        before = timezone.now()
        message_deliver(message_id=message.pk)
        message.refresh_from_db()
        waits.append((message.next_attempt_at - before).total_seconds())
        due_now(message)
    assert 30 <= waits[0] <= 37
    assert 40 <= waits[1] <= 41 and 40 <= waits[2] <= 41  # 60 s and 120 s uncapped


def test_task_records_one_attempt_and_does_not_spin_when_run_in_process(
        failing_sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms()
    message.refresh_from_db()
    # In-process (eager) Celery runs the retry at once; the row says "not yet", so it stops there.
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    message_deliver_task.delay(message_id=str(message.pk))
    message.refresh_from_db()
    assert message.attempts == 1
    assert failing_sms.calls == 1
