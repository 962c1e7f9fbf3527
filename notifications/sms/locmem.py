import threading

from notifications import sms
from notifications.sms.base import BaseSmsBackend, SmsMessage

_lock = threading.Lock()


class SmsBackend(BaseSmsBackend):
    """Keeps messages in `notifications.sms.outbox`; tests read and clear it."""

    def send_message(self, message: SmsMessage) -> str:
        with _lock:
            sms.outbox.append(message)
            return f"locmem-{len(sms.outbox)}"
