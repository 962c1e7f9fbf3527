from dataclasses import dataclass


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164
    body: str
    reference: str = ""  # our id for the message (the outbox row), for logs and provider callbacks


class BaseSmsBackend:
    """Subclasses implement send_message; errors are Transient/PermanentDeliveryError."""

    def __init__(self, **kwargs):
        pass

    def send_message(self, message: SmsMessage) -> str:
        """Send one message; return the provider's id for it ('' when there is none)."""
        raise NotImplementedError

    def send_messages(self, messages) -> int:
        for message in messages:
            self.send_message(message)
        return len(messages)
