"""Across the real broker: Redis, a separate Celery worker process, file email and SMS backends."""
import json

import pytest
from django.db import transaction

from notifications.models import OutboxMessage
from notifications.services import message_enqueue
from tests.celery_worker import celery_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

Status = OutboxMessage.Status


def _file_env(tmp_path, sms_backend="notifications.sms.file.SmsBackend", **extra):
    return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"), "SMS_BACKEND": sms_backend,
            "SMS_FILE_PATH": str(tmp_path / "sms" / "sms.jsonl"), **extra}


def _sent(*messages):
    return all(OutboxMessage.objects.get(pk=m.pk).status == Status.SENT for m in messages)


def test_email_and_sms_delivered_by_real_worker(tmp_path):
    with celery_worker(extra_env=_file_env(tmp_path)):
        with transaction.atomic():
            text = message_enqueue(channel="sms", recipient="+254720111222", template="verification_code",
                                   context={"code": "24680", "ttl_minutes": 15}, dedupe_key="worker-sms")
            email = message_enqueue(channel="email", recipient="w@example.com", template="password_reset_code",
                                    context={"code": "13579", "ttl_minutes": 15})
        wait_for(lambda: _sent(text, email))
    [line] = (tmp_path / "sms" / "sms.jsonl").read_text().splitlines()
    assert json.loads(line)["to"] == "+254720111222"
    assert json.loads(line)["body"] == "Your Mookh verification code is 24680. It expires in 15 minutes."
    assert json.loads(line)["reference"] == str(text.pk)
    [mail] = list((tmp_path / "mail").glob("*.log"))
    assert "To: w@example.com" in mail.read_text() and "13579" in mail.read_text()
    assert OutboxMessage.objects.get(pk=text.pk).attempts == 1


def test_transient_failure_retried_by_the_worker_itself(tmp_path):
    env = _file_env(tmp_path, sms_backend="tests.notifications.sms_backends.FailOnceFileSmsBackend",
                    OUTBOX_RETRY_BACKOFF_SECONDS="1")
    with celery_worker(extra_env=env):
        with transaction.atomic():
            text = message_enqueue(channel="sms", recipient="+254720111222", template="verification_code",
                                   context={"code": "24680", "ttl_minutes": 15})
        wait_for(lambda: _sent(text), timeout=15)
    text.refresh_from_db()
    assert text.attempts == 2
    assert len((tmp_path / "sms" / "sms.jsonl").read_text().splitlines()) == 1
