import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from notifications.errors import TransientDeliveryError
from notifications.sms.base import BaseSmsBackend, SmsMessage


class SmsBackend(BaseSmsBackend):
    """Appends one JSON line per message to SMS_FILE_PATH (created with its directory)."""

    def __init__(self, *, file_path: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.path = Path(file_path or settings.SMS_FILE_PATH)

    def send_message(self, message: SmsMessage) -> str:
        line = json.dumps({"to": message.to, "body": message.body, "reference": message.reference,
                           "sent_at": timezone.now().isoformat()}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One write() on an O_APPEND file: lines from concurrent workers never interleave.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, (line + "\n").encode())
            finally:
                os.close(fd)
        except OSError as exc:
            raise TransientDeliveryError(f"cannot write {self.path}: {exc}") from exc
        return ""
