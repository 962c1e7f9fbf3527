"""SMS backends for tests: a provider that fails on demand, one that is slow, one that fails once."""
import time
from pathlib import Path

from notifications.errors import TransientDeliveryError
from notifications.sms import file, locmem
from notifications.sms.base import BaseSmsBackend, SmsMessage


class FailingSmsBackend(BaseSmsBackend):
    """Raises `FailingSmsBackend.error` (set by the test) on every send, counting the calls."""

    error: Exception = TransientDeliveryError("gateway timeout")
    calls = 0

    def send_message(self, message: SmsMessage) -> str:
        type(self).calls += 1
        raise type(self).error


class SlowSmsBackend(locmem.SmsBackend):
    """Takes a while to answer, as a real provider does: concurrent deliveries overlap."""

    delay = 0.2

    def send_message(self, message: SmsMessage) -> str:
        time.sleep(self.delay)
        return super().send_message(message)


class FailOnceFileSmsBackend(file.SmsBackend):
    """The file backend, except that each message's first attempt fails as a timeout would."""

    def send_message(self, message: SmsMessage) -> str:
        marker = Path(f"{self.path}.{message.reference}.failed")
        if not marker.exists():
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
            raise TransientDeliveryError("provider timed out")
        return super().send_message(message)
