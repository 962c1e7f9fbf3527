"""Two workers given the same message at once: it is sent exactly once."""
import threading

import pytest
from django.db import connections

from notifications.models import OutboxMessage
from notifications.services import message_deliver
from tests.notifications.helpers import pending_message
from tests.notifications.sms_backends import SlowSmsBackend

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 6


def _deliver_concurrently(message_id) -> list:
    barrier = threading.Barrier(WORKERS)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(message_deliver(message_id=message_id))
        except Exception as exc:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.mark.parametrize("delay", [0.0, 0.2])
def test_message_delivered_once_when_workers_race_for_it(settings, monkeypatch, smsoutbox, delay):
    """delay=0: the claims collide on the row lock; 0.2 s: the others arrive while it is SENDING."""
    settings.SMS_BACKEND = "tests.notifications.sms_backends.SlowSmsBackend"
    monkeypatch.setattr(SlowSmsBackend, "delay", delay)
    ids = [pending_message(context={"code": f"{n:05d}"}).pk for n in range(4)]
    for message_id in ids:
        results = _deliver_concurrently(message_id)
        assert sum(1 for r in results if r is not None) == 1
    assert sorted(m.reference for m in smsoutbox) == sorted(str(i) for i in ids)
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("SENT", 1)}
