"""The beat sweep queues what is due or abandoned; admins resend DEAD messages."""
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.errors import MessageNotResendable, PermanentDeliveryError
from notifications.models import OutboxMessage
from notifications.services import message_deliver, message_enqueue, message_resend, messages_sweep
from notifications.tasks import messages_sweep_task
from tests.notifications.helpers import message_age
from tests.notifications.sms_backends import FailingSmsBackend

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def _sms(code="12345", **kwargs):
    return message_enqueue(channel="sms", recipient="+254720111222", template="verification_code",
                           context={"code": code}, **kwargs)


def _bodies(outbox):
    return sorted(m.body.split()[5].rstrip(".") for m in outbox)


def test_sweep_delivers_pending_messages_whose_task_never_ran(smsoutbox):
    old, fresh = _sms("11111"), _sms("22222")  # no commit in this test: their tasks were never queued
    message_age(old, minutes=2)
    messages_sweep_task.delay()
    old.refresh_from_db(), fresh.refresh_from_db()
    assert (old.status, fresh.status) == (Status.SENT, Status.PENDING)
    assert _bodies(smsoutbox) == ["11111"]


def test_sweep_queues_due_retries_only(smsoutbox, settings):
    due, later = _sms("11111"), _sms("22222")
    now = timezone.now()
    OutboxMessage.objects.filter(pk=due.pk).update(attempts=1, next_attempt_at=now - timedelta(seconds=1))
    OutboxMessage.objects.filter(pk=later.pk).update(attempts=1, next_attempt_at=now + timedelta(minutes=1))
    assert messages_sweep() == 1
    assert _bodies(smsoutbox) == ["11111"]
    assert OutboxMessage.objects.get(pk=due.pk).attempts == 2


def test_sweep_reclaims_message_stuck_sending_past_the_lease(smsoutbox, settings):
    settings.OUTBOX_LEASE_SECONDS = 300
    stuck, recent = _sms("11111"), _sms("22222")
    now = timezone.now()
    # Two workers died mid-send: one long ago, one a moment ago (it may still be running).
    OutboxMessage.objects.filter(pk=stuck.pk).update(status=Status.SENDING, attempts=1,
                                                     claimed_at=now - timedelta(seconds=301))
    OutboxMessage.objects.filter(pk=recent.pk).update(status=Status.SENDING, attempts=1,
                                                      claimed_at=now - timedelta(seconds=10))
    assert messages_sweep() == 1
    assert _bodies(smsoutbox) == ["11111"]
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (Status.SENT, 2)
    assert OutboxMessage.objects.get(pk=recent.pk).status == Status.SENDING


def test_message_stuck_sending_after_last_attempt_goes_dead(smsoutbox, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = _sms()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, attempts=3, claimed_at=timezone.now() - timedelta(hours=1))
    assert message_deliver(message_id=message.pk) is None
    message.refresh_from_db()
    assert message.status == Status.DEAD
    assert message.last_error.startswith("worker_lost")
    assert smsoutbox == []


def test_sweep_leaves_sent_and_dead_messages_alone(smsoutbox):
    sent, dead = _sms("11111"), _sms("22222")
    message_deliver(message_id=sent.pk)
    OutboxMessage.objects.filter(pk=dead.pk).update(status=Status.DEAD)
    message_age(sent, hours=1), message_age(dead, hours=1)
    assert messages_sweep() == 0
    assert len(smsoutbox) == 1


def test_resend_gives_dead_message_fresh_attempts_and_delivers_it(
        settings, monkeypatch, smsoutbox, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "tests.notifications.sms_backends.FailingSmsBackend"
    monkeypatch.setattr(FailingSmsBackend, "error", PermanentDeliveryError("bad number", code="InvalidPhoneNumber"))
    message = _sms()
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.DEAD
    settings.SMS_BACKEND = "notifications.sms.locmem.SmsBackend"  # the number was fixed, the provider is back
    with django_capture_on_commit_callbacks(execute=True):
        message_resend(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 1)
    assert len(smsoutbox) == 1


def test_resend_refused_for_sent_message(smsoutbox):
    message = _sms()
    message_deliver(message_id=message.pk)
    with pytest.raises(MessageNotResendable) as raised:
        message_resend(message_id=message.pk)
    assert raised.value.code == "message_not_resendable"
    assert len(smsoutbox) == 1


def test_admin_resend_action_requeues_dead_messages(super_admin, client, smsoutbox,
                                                     django_capture_on_commit_callbacks):
    super_admin.is_staff = super_admin.is_superuser = True
    super_admin.save()
    client.force_login(super_admin)
    dead, sent = _sms("11111"), _sms("22222")
    OutboxMessage.objects.filter(pk=dead.pk).update(status=Status.DEAD, attempts=5, last_error="x")
    message_deliver(message_id=sent.pk)
    smsoutbox.clear()
    assert client.get("/admin/notifications/outboxmessage/?status__exact=DEAD").status_code == 200
    assert client.get(f"/admin/notifications/outboxmessage/{dead.pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/notifications/outboxmessage/",
                               {"action": "resend", "_selected_action": [str(dead.pk), str(sent.pk)]})
    assert response.status_code == 302
    assert OutboxMessage.objects.get(pk=dead.pk).status == Status.SENT
    assert _bodies(smsoutbox) == ["11111"]


def sent_hook_record(*, message):
    sent_hook_record.calls.append((message.pk, message.order_id, message.status))


def sent_hook_broken(*, message):
    raise RuntimeError("hook bug")


def test_sent_hook_called_once_with_the_order_id(settings, smsoutbox):
    import uuid

    settings.OUTBOX_SENT_HOOK = "tests.notifications.test_sweep_and_resend.sent_hook_record"
    sent_hook_record.calls = []
    order_id = uuid.uuid4()
    message = _sms(order_id=order_id)
    message_deliver(message_id=message.pk)
    message_deliver(message_id=message.pk)
    assert sent_hook_record.calls == [(message.pk, order_id, Status.SENT)]


def test_message_stays_sent_when_sent_hook_fails(settings, smsoutbox):
    settings.OUTBOX_SENT_HOOK = "tests.notifications.test_sweep_and_resend.sent_hook_broken"
    message = _sms()
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(smsoutbox) == 1
