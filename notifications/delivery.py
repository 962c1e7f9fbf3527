"""Hand one outbox message to its provider: Django's email API or the configured SMS backend."""
import smtplib

from anymail.exceptions import AnymailError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.core.mail import EmailMultiAlternatives

from notifications import sms
from notifications.errors import PermanentDeliveryError, TransientDeliveryError
from notifications.models import OutboxMessage
from notifications.rendering import email_render, sms_render


def message_transmit(message: OutboxMessage) -> str:
    """Send it; return the provider's message id. Raises Transient/PermanentDeliveryError."""
    if message.channel == OutboxMessage.Channel.EMAIL:
        return _email_transmit(message)
    body = sms_render(template=message.template, context=message.context)
    return sms.sms_send(to=message.recipient, body=body, reference=str(message.pk))


def _email_transmit(message: OutboxMessage) -> str:
    rendered = email_render(template=message.template, context=message.context)
    email = EmailMultiAlternatives(rendered.subject, rendered.text, to=[message.recipient],
                                   headers={"X-Mookh-Message-Id": str(message.pk)})
    if rendered.html:
        email.attach_alternative(rendered.html, "text/html")
    try:
        email.send()
    except (smtplib.SMTPRecipientsRefused, AnymailRecipientsRefused, AnymailInvalidAddress) as exc:
        raise PermanentDeliveryError(str(exc), code="recipient_refused") from exc
    except (smtplib.SMTPException, OSError, AnymailError) as exc:
        raise TransientDeliveryError(f"{type(exc).__name__}: {exc}", code="email_provider") from exc
    status = getattr(email, "anymail_status", None)  # set by django-anymail backends only
    return (getattr(status, "message_id", None) or "") if status else ""
