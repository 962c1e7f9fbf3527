import io
import json

import pytest

from notifications.errors import TransientDeliveryError
from notifications.sms import SmsMessage, get_connection, outbox, sms_send


def test_locmem_backend_collects_messages(settings):
    settings.SMS_BACKEND = "notifications.sms.locmem.SmsBackend"
    sms_send(to="+254720111222", body="one")
    sms_send(to="+256772123456", body="two")
    assert [(m.to, m.body) for m in outbox] == [("+254720111222", "one"), ("+256772123456", "two")]


def test_console_backend_writes_to_its_stream():
    stream = io.StringIO()
    backend = get_connection("notifications.sms.console.SmsBackend", stream=stream)
    assert backend.send_messages([SmsMessage(to="+254720111222", body="hello")]) == 1
    assert "SMS to +254720111222:\nhello\n" in stream.getvalue()


def test_file_backend_appends_one_json_line_per_message(settings, tmp_path):
    settings.SMS_BACKEND = "notifications.sms.file.SmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "out.jsonl")
    sms_send(to="+254720111222", body="Habari, Zoë", reference="m1")
    sms_send(to="+254720111223", body="second")
    lines = (tmp_path / "sms" / "out.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    assert len(lines) == 2
    assert {k: first[k] for k in ("to", "body", "reference")} == {"to": "+254720111222", "body": "Habari, Zoë",
                                                                  "reference": "m1"}
    assert first["sent_at"]


def test_file_backend_failure_to_write_is_transient(settings, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(TransientDeliveryError):
        get_connection("notifications.sms.file.SmsBackend", file_path=str(blocker / "out.jsonl")).send_message(
            SmsMessage(to="+254720111222", body="x"))
