"""SMS backends, shaped like Django's email backends: `SMS_BACKEND` names the class to use.

    notifications.sms.locmem.SmsBackend         tests: messages land in `notifications.sms.outbox`
    notifications.sms.console.SmsBackend        development: printed to stdout
    notifications.sms.file.SmsBackend           one JSON line per message appended to SMS_FILE_PATH
    notifications.sms.africastalking.SmsBackend Africa's Talking, through its official SDK

Backends raise notifications.errors.TransientDeliveryError or PermanentDeliveryError.
"""
from django.conf import settings
from django.utils.module_loading import import_string

from notifications.sms.base import BaseSmsBackend, SmsMessage

# Filled by the locmem backend, like django.core.mail.outbox.
outbox: list[SmsMessage] = []


def get_connection(backend: str | None = None, **kwargs) -> BaseSmsBackend:
    return import_string(backend or settings.SMS_BACKEND)(**kwargs)


def sms_send(*, to: str, body: str, reference: str = "") -> str:
    """Send one SMS through the configured backend; returns the provider's message id."""
    return get_connection().send_message(SmsMessage(to=to, body=body, reference=reference))


__all__ = ["BaseSmsBackend", "SmsMessage", "get_connection", "outbox", "sms_send"]
