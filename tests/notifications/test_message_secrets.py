"""One-time codes are readable in the outbox only until their message is delivered or given up,
and never in admin."""
import json

import pytest

from notifications.errors import MessageNotResendable, PermanentDeliveryError
from notifications.models import OutboxMessage
from notifications.services import message_deliver, message_enqueue, message_resend
from tests.factories import UserFactory
from tests.notifications.sms_backends import FailingSmsBackend
from tests.users.helpers import code_from_mail

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def _stored(message: OutboxMessage) -> str:
    message.refresh_from_db()
    return json.dumps(message.context)


def test_code_gone_from_outbox_when_reset_email_delivered(api, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="forgot@example.com", first_name="Achieng")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/users/password/reset/", {"email": "forgot@example.com"}).status_code == 200
    code = code_from_mail(mailoutbox[0])
    message = OutboxMessage.objects.get()
    assert message.status == Status.SENT
    assert code not in _stored(message)
    assert message.context == {"code": "[removed]", "first_name": "Achieng", "ttl_minutes": 15}


def test_code_gone_from_outbox_when_message_dead(settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "tests.notifications.sms_backends.FailingSmsBackend"
    monkeypatch.setattr(FailingSmsBackend, "error", PermanentDeliveryError("blacklisted", code="blacklisted"))
    message = message_enqueue(channel="sms", recipient="+254720111222", template="verification_code",
                              context={"code": "48151", "ttl_minutes": 15}, secret_keys=("code",))
    message_deliver(message_id=message.pk)
    assert "48151" not in _stored(message)
    assert message.status == Status.DEAD


def test_code_never_stored_when_recipient_invalid():
    message = message_enqueue(channel="sms", recipient="not a number", template="verification_code",
                              context={"code": "48151"}, secret_keys=("code",))
    assert message.status == Status.DEAD
    assert "48151" not in _stored(message)


def test_code_kept_for_delivery_when_message_pending_and_sent_in_full(smsoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        message = message_enqueue(channel="sms", recipient="+254720111222", template="verification_code",
                                  context={"code": "48151", "ttl_minutes": 15}, secret_keys=("code",))
    assert "48151" in _stored(message)  # PENDING: the worker still needs it
    for callback in callbacks:
        callback()
    assert [m.body for m in smsoutbox] == ["Your Mookh verification code is 48151. It expires in 15 minutes."]
    assert "48151" not in _stored(message)


def test_admin_masks_code_when_message_pending(admin_client):
    message = message_enqueue(channel="email", recipient="a@example.com", template="verification_code",
                              context={"code": "48151", "first_name": "Wanjiru"}, secret_keys=("code",))
    page = admin_client.get(f"/admin/notifications/outboxmessage/{message.pk}/change/").content.decode()
    assert "48151" not in page
    assert "•••••" in page
    assert "Wanjiru" in page


def test_resend_refused_when_code_removed_from_dead_message(settings, monkeypatch):
    settings.SMS_BACKEND = "tests.notifications.sms_backends.FailingSmsBackend"
    monkeypatch.setattr(FailingSmsBackend, "error", PermanentDeliveryError("blacklisted", code="blacklisted"))
    message = message_enqueue(channel="sms", recipient="+254720111222", template="verification_code",
                              context={"code": "48151"}, secret_keys=("code",))
    message_deliver(message_id=message.pk)
    with pytest.raises(MessageNotResendable) as refused:
        message_resend(message_id=message.pk)
    assert refused.value.code == "message_not_resendable"
    message.refresh_from_db()
    assert message.status == Status.DEAD
