"""Delivery outcomes that backends raise (the outbox maps them to a retry or to DEAD), and
this app's domain errors.

Delivery errors are not DomainErrors: no request ever sees them, and a provider failure must
never be rendered as a client's fault.
"""
from mookh.core.errors import DomainError


class DeliveryError(Exception):
    code = "delivery_failed"

    def __init__(self, message: str = "", *, code: str | None = None):
        super().__init__(message or self.code)
        if code:
            self.code = code


class TransientDeliveryError(DeliveryError):
    """Worth retrying later: provider down, timeout, throttled, out of credit."""

    code = "transient"


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help: invalid number or address, blacklisted recipient, missing template."""

    code = "permanent"


class RecipientRateLimited(PermanentDeliveryError):
    """The recipient already had their hourly share of messages: this one is not sent."""

    code = "rate_limited"


class MessageNotResendable(DomainError):
    code = "message_not_resendable"
    message = "Only a DEAD or PENDING message can be resent."
