"""With the broker down the action still succeeds; the message waits in the outbox for the sweep."""
import time

import pytest

from notifications.models import OutboxMessage
from notifications.tasks import messages_sweep_task
from tests.notifications.helpers import broker_unreachable, message_age, pending_message

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Strong-pass-2026"


def test_registration_succeeds_and_email_sent_once_by_sweep_when_broker_was_down(api, mailoutbox, caplog):
    with broker_unreachable():
        started = time.monotonic()
        response = api.post("/users/user/", {"email": "outage@example.com", "password": PASSWORD,
                                             "confirm_password": PASSWORD})
        elapsed = time.monotonic() - started
    assert response.status_code == 201
    assert elapsed < 5  # the broker's failure costs a request little time
    assert "could not queue delivery" in caplog.text
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 0)
    assert mailoutbox == []

    messages_sweep_task.delay()  # too early: the message may still have its own task in flight
    assert mailoutbox == []
    message_age(message, minutes=1)
    messages_sweep_task.delay()
    messages_sweep_task.delay()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 1)
    assert [m.to for m in mailoutbox] == [["outage@example.com"]]


def test_sweep_stops_without_losing_messages_when_broker_down(mailoutbox, caplog):
    from notifications.services import messages_sweep

    for i in range(3):
        message_age(pending_message(channel="email", recipient=f"u{i}@example.com"), minutes=1)
    with broker_unreachable():
        assert messages_sweep() == 0
    assert caplog.text.count("could not queue delivery") == 1  # it gave up at the first failure
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.PENDING}
    assert messages_sweep() == 3
    assert len(mailoutbox) == 3
