"""SMS backends, shaped like Django's email backends: `SMS_BACKEND` names the class to use,
by dotted path or by one of these short names:

    locmem          notifications.sms.locmem.SmsBackend: tests, messages land in `notifications.sms.outbox`
    console         notifications.sms.console.SmsBackend: printed to stdout
    file            notifications.sms.file.SmsBackend: one JSON line per message appended to SMS_FILE_PATH
    africastalking  notifications.sms.africastalking.SmsBackend: Africa's Talking, through its official SDK

Backends raise notifications.errors.TransientDeliveryError or PermanentDeliveryError.
"""
from django.conf import settings
from django.utils.module_loading import import_string

from notifications.sms.base import BaseSmsBackend, SmsMessage

# Filled by the locmem backend, like django.core.mail.outbox.
outbox: list[SmsMessage] = []

SHORT_NAMES = {name: f"notifications.sms.{name}.SmsBackend"
               for name in ("console", "file", "locmem", "africastalking")}


def sms_backend_path(name: str) -> str:
    """The dotted path SMS_BACKEND (or `name`) stands for: a short name or a dotted path."""
    name = name.strip()
    return SHORT_NAMES.get(name.lower(), name)


def get_connection(backend: str | None = None, **kwargs) -> BaseSmsBackend:
    return import_string(sms_backend_path(backend or settings.SMS_BACKEND))(**kwargs)


def sms_send(*, to: str, body: str, reference: str = "") -> str:
    """Send one SMS through the configured backend; returns the provider's message id."""
    return get_connection().send_message(SmsMessage(to=to, body=body, reference=reference))


__all__ = ["BaseSmsBackend", "SHORT_NAMES", "SmsMessage", "get_connection", "outbox", "sms_backend_path",
           "sms_send"]
