"""No one can make the platform flood one address or number: past its hourly limit a message is
recorded DEAD ("rate_limited: …") and not sent, while the action that caused it still succeeds."""
import pytest

from notifications.models import OutboxMessage
from notifications.services import message_enqueue, message_resend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Enqueue and deliver at once, as the outbox does after the causing transaction commits."""
    def run(*, channel="email", recipient="victim@example.com", template="verification_code", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return message_enqueue(channel=channel, recipient=recipient, template=template,
                                   context={"code": "12345", "ttl_minutes": 15}, **fields)
    return run


def _state(message: OutboxMessage) -> tuple:
    message.refresh_from_db()
    return message.status, message.last_error.split(":")[0]


def test_eleventh_email_to_one_address_not_delivered_when_sent_within_an_hour(deliver, mailoutbox):
    messages = [deliver() for _ in range(11)]
    assert len(mailoutbox) == 10
    assert [_state(m) for m in messages[:10]] == [(Status.SENT, "")] * 10
    assert _state(messages[10]) == (Status.DEAD, "rate_limited")
    other = deliver(recipient="neighbour@example.com")
    assert _state(other) == (Status.SENT, "")
    assert mailoutbox[-1].to == ["neighbour@example.com"]
    assert _state(deliver(channel="sms", recipient="+254720111222")) == (Status.SENT, "")


def test_limit_counts_the_mailbox_when_address_spelled_differently(deliver, mailoutbox):
    for n in range(10):
        deliver(recipient=f"Victim+{n}@Example.com")
    assert _state(deliver(recipient="victim@example.com")) == (Status.DEAD, "rate_limited")
    assert len(mailoutbox) == 10


def test_eleventh_sms_to_one_number_not_sent_when_sent_within_an_hour(deliver, smsoutbox):
    messages = [deliver(channel="sms", recipient="+254 720 111 222") for _ in range(11)]
    assert len(smsoutbox) == 10
    assert _state(messages[10]) == (Status.DEAD, "rate_limited")
    assert _state(deliver(channel="sms", recipient="+254720333444")) == (Status.SENT, "")


def test_limits_follow_settings_when_configured(deliver, settings, smsoutbox, mailoutbox):
    settings.OUTBOX_EMAIL_RECIPIENT_RATE = "2/hour"
    settings.OUTBOX_SMS_RECIPIENT_RATE = "1/hour"
    emails = [deliver() for _ in range(3)]
    texts = [deliver(channel="sms", recipient="+254720111222") for _ in range(2)]
    assert [_state(m)[0] for m in emails] == [Status.SENT, Status.SENT, Status.DEAD]
    assert [_state(m)[0] for m in texts] == [Status.SENT, Status.DEAD]


def test_message_type_with_its_own_limit_not_counted_against_the_channel(deliver, settings, smsoutbox):
    settings.OUTBOX_SMS_RECIPIENT_RATE = "1/hour"
    settings.OUTBOX_TEMPLATE_RECIPIENT_RATES = {"password_reset_code": "3/hour"}
    assert _state(deliver(channel="sms", recipient="+254720111222")) == (Status.SENT, "")
    own = [deliver(channel="sms", recipient="+254720111222", template="password_reset_code") for _ in range(4)]
    assert [_state(m)[0] for m in own] == [Status.SENT] * 3 + [Status.DEAD]


def test_tickets_delivered_when_codes_used_up_the_address_budget(deliver, mailoutbox):
    codes = [deliver(template="password_reset_code") for _ in range(11)]
    assert _state(codes[-1]) == (Status.DEAD, "rate_limited")
    paid = deliver(template="order_paid")
    assert _state(paid) == (Status.SENT, "")
    assert len(mailoutbox) == 11  # ten codes and the tickets


def test_causing_action_succeeds_when_recipient_over_limit(api, deliver, settings, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    settings.OUTBOX_EMAIL_RECIPIENT_RATE = "1/hour"
    UserFactory(email="victim@example.com")
    deliver()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/users/password/reset/", {"email": "victim@example.com"})
    assert response.status_code == 200
    reset = OutboxMessage.objects.get(template="password_reset_code")
    assert _state(reset) == (Status.DEAD, "rate_limited")
    assert reset.context["code"] == "[removed]"
    assert len(mailoutbox) == 1


def test_resent_message_counted_again_when_admin_resends_it(deliver, settings, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    settings.OUTBOX_EMAIL_RECIPIENT_RATE = "1/hour"
    deliver(template="code_attempts_locked")
    limited = deliver(template="code_attempts_locked")
    assert _state(limited) == (Status.DEAD, "rate_limited")
    with django_capture_on_commit_callbacks(execute=True):
        message_resend(message_id=limited.pk)
    assert _state(limited) == (Status.DEAD, "rate_limited")
    assert len(mailoutbox) == 1
