"""A delivery backend that cannot be imported stops start-up; SMS backends answer to short names."""
import json

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from notifications.sms import outbox, sms_send


def _check_ids() -> list[str]:
    return [problem.id for problem in checks.run_checks(tags=["notifications"]) if problem.is_serious()]


def test_start_up_refused_when_sms_backend_cannot_be_imported(settings):
    settings.SMS_BACKEND = "notifications.sms.twilio.SmsBackend"
    assert _check_ids() == ["notifications.E001"]
    with pytest.raises(SystemCheckError, match="SMS_BACKEND"):
        call_command("check", tags=["notifications"])
    for name in ("console", "file", "locmem", "africastalking", "notifications.sms.console.SmsBackend"):
        settings.SMS_BACKEND = name
        assert _check_ids() == []


def test_start_up_refused_when_email_backend_cannot_be_imported(settings):
    settings.EMAIL_BACKEND = "anymail.backends.nosuchprovider.EmailBackend"
    assert _check_ids() == ["notifications.E002"]
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    assert _check_ids() == []


def test_sms_delivered_by_the_named_backend_when_named_by_short_name(settings, tmp_path):
    settings.SMS_BACKEND = "locmem"
    sms_send(to="+254720111222", body="one")
    assert [(message.to, message.body) for message in outbox] == [("+254720111222", "one")]

    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    sms_send(to="+254720111223", body="two")
    assert json.loads((tmp_path / "sms.jsonl").read_text())["body"] == "two"
