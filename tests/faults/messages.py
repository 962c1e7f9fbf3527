"""Messages as worker processes deliver them: to files under one directory, counted afterwards."""
import json
import os
import re
import time
from collections import Counter
from pathlib import Path

from notifications.sms import file
from notifications.sms.base import SmsMessage


def file_backends(directory: Path, *, sms_backend: str = "notifications.sms.file.SmsBackend") -> dict[str, str]:
    """A worker's environment sending email and SMS to files under `directory`."""
    return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(directory / "mail"), "SMS_BACKEND": sms_backend,
            "SMS_FILE_PATH": str(directory / "sms.jsonl")}


def deliveries(directory: Path) -> Counter:
    """How many times each outbox message (by id) reached a provider."""
    sent = Counter()
    sms = directory / "sms.jsonl"
    if sms.exists():
        sent.update(json.loads(line)["reference"] for line in sms.read_text().splitlines())
    for mail in (directory / "mail").glob("*.log"):
        sent.update(re.findall(r"^X-Mookh-Message-Id: (\S+)$", mail.read_text(), flags=re.MULTILINE))
    return sent


class SlowFileSmsBackend(file.SmsBackend):
    """The file backend, slow (SLOW_SMS_SECONDS) on each message's first attempt, which first notes
    which process is sending: `<SMS_FILE_PATH>.<reference>.sending` holds its PID."""

    def send_message(self, message: SmsMessage) -> str:
        marker = Path(f"{self.path}.{message.reference}.sending")
        if not marker.exists():
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(str(os.getpid()))
            time.sleep(float(os.environ.get("SLOW_SMS_SECONDS", "0")))
        return super().send_message(message)
