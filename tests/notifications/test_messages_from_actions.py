"""Each action that should cause a message queues exactly one, in its own transaction."""
import pytest
from django.db import transaction

from notifications.models import OutboxMessage
from notifications.rendering import UnknownMessageTemplate
from notifications.services import message_enqueue
from tests.factories import UserFactory
from tests.users.helpers import code_from_mail

pytestmark = pytest.mark.django_db

PASSWORD = "Strong-pass-2026"


def _register(api, email="jane@example.com"):
    return api.post("/users/user/", {"email": email, "password": PASSWORD, "confirm_password": PASSWORD})


def test_registration_sends_one_verification_email(api, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _register(api).status_code == 201
    message = OutboxMessage.objects.get()
    assert (message.channel, message.template, message.recipient) == ("email", "verification_code", "jane@example.com")
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Your Mookh verification code"
    assert message.context["code"] == "[removed]"  # delivered: the outbox keeps no usable code
    assert len(code_from_mail(mailoutbox[0])) == 5


def test_verification_resend_sends_one_more_email(api, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="late@example.com", is_verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/users/verification/resend/", {"email": "late@example.com"}).status_code == 200
    assert OutboxMessage.objects.filter(template="verification_code").count() == 1
    assert [m.to for m in mailoutbox] == [["late@example.com"]]


def test_password_reset_request_sends_one_reset_email(api, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="forgot@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/users/password/reset/", {"email": "forgot@example.com"}).status_code == 200
    assert OutboxMessage.objects.get().template == "password_reset_code"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Reset your Mookh password"


def test_no_message_when_registration_fails(api, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="jane@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert _register(api).status_code == 400
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


def test_message_rolled_back_with_the_change_that_caused_it(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            message_enqueue(channel="email", recipient="a@example.com", template="verification_code",
                            context={"code": "12345"})
            raise RuntimeError("the action failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


def test_dedupe_key_queues_and_sends_one_message_when_enqueued_twice(
        smsoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = message_enqueue(channel="sms", recipient="+254720111222", template="verification_code",
                                context={"code": "11111", "ttl_minutes": 15}, dedupe_key="k1")
        second = message_enqueue(channel="sms", recipient="+254720111222", template="verification_code",
                                 context={"code": "22222", "ttl_minutes": 15}, dedupe_key="k1")
    assert second.pk == first.pk
    assert len(callbacks) == 1
    assert OutboxMessage.objects.count() == 1
    assert [m.body for m in smsoutbox] == ["Your Mookh verification code is 11111. It expires in 15 minutes."]


def test_dedupe_key_holds_across_transactions(smsoutbox, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            message_enqueue(channel="sms", recipient="+254720111222", template="verification_code",
                            context={"code": "11111"}, dedupe_key="order:1:paid:sms")
    assert OutboxMessage.objects.count() == 1
    assert len(smsoutbox) == 1


def test_enqueue_refused_when_message_type_has_no_template():
    with pytest.raises(UnknownMessageTemplate):
        message_enqueue(channel="sms", recipient="+254720111222", template="no_such_type", context={})
    assert not OutboxMessage.objects.exists()


def test_sms_recipient_stored_as_e164_when_enqueued():
    message = message_enqueue(channel="sms", recipient=" +254 720 111 222 ", template="verification_code",
                              context={})
    assert message.recipient == "+254720111222"


@pytest.mark.parametrize("channel, recipient", [("sms", "0720111222"), ("sms", "+25472"), ("email", "not-an-email")])
def test_invalid_recipient_recorded_dead_and_not_queued_when_enqueued(
        channel, recipient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        message = message_enqueue(channel=channel, recipient=recipient, template="verification_code", context={})
    assert message.status == OutboxMessage.Status.DEAD
    assert message.last_error.startswith("invalid_recipient")
    assert callbacks == []


def test_nothing_queued_when_recipient_missing():
    assert message_enqueue(channel="sms", recipient="", template="verification_code", context={}) is None
    assert not OutboxMessage.objects.exists()


def test_order_id_and_non_json_values_kept_when_enqueued():
    import uuid
    from decimal import Decimal

    order_id = uuid.uuid4()
    message = message_enqueue(channel="email", recipient="a@example.com", template="verification_code",
                              context={"amount": Decimal("8300.00"), "order": order_id}, order_id=order_id)
    message.refresh_from_db()
    assert message.order_id == order_id
    assert message.context == {"amount": "8300.00", "order": str(order_id)}
