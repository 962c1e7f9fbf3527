"""Africa's Talking through its official SDK; the settings AFRICASTALKING_USERNAME ('sandbox'
for their sandbox), AFRICASTALKING_API_KEY and SMS_SENDER_ID (empty: the account's default)."""
import json
import logging

import requests
from africastalking.Service import AfricasTalkingException
from africastalking.SMS import SMSService
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mookh.core.phone import InvalidPhoneNumber, phone_normalize
from notifications.errors import PermanentDeliveryError, TransientDeliveryError
from notifications.sms.base import BaseSmsBackend, SmsMessage

logger = logging.getLogger(__name__)

TIMEOUT = (3.05, 10)  # connect, read; well inside the delivery task's time limit
ACCEPTED = {"Success", "Sent", "Processed", "Queued"}
# Per-recipient statuses that no retry can fix; anything else (RiskHold, InsufficientBalance,
# InternalServerError, GatewayError, RejectedByGateway, unknown) is retried.
REFUSED = {"InvalidPhoneNumber", "UnsupportedNumberType", "UserInBlacklist", "DoNotDisturbRejection",
           "CouldNotRoute", "InvalidSenderId"}


class SmsBackend(BaseSmsBackend):
    def __init__(self, *, username: str | None = None, api_key: str | None = None,
                 sender_id: str | None = None, **kwargs):
        super().__init__(**kwargs)
        username = username or settings.AFRICASTALKING_USERNAME
        api_key = api_key or settings.AFRICASTALKING_API_KEY
        if not username or not api_key:
            raise ImproperlyConfigured("Set AFRICASTALKING_USERNAME and AFRICASTALKING_API_KEY.")
        self.sender_id = (sender_id if sender_id is not None else settings.SMS_SENDER_ID) or None
        self.service = SMSService(username, api_key)

    def send_message(self, message: SmsMessage) -> str:
        try:
            to = phone_normalize(message.to)
        except InvalidPhoneNumber as exc:
            raise PermanentDeliveryError(str(exc), code="InvalidPhoneNumber") from exc
        try:
            response = self.service.send(message.body, [to], sender_id=self.sender_id, timeout=TIMEOUT)
        except requests.RequestException as exc:  # timeouts and connection errors
            raise TransientDeliveryError(f"Africa's Talking unreachable: {exc}", code="unreachable") from exc
        except AfricasTalkingException as exc:
            # The SDK reports any non-2xx answer this way, without its status code; the usual
            # causes (5xx, throttling, a revoked key being replaced) are worth a retry.
            raise TransientDeliveryError(f"Africa's Talking refused the request: {exc}", code="http_error") from exc
        except ValueError as exc:  # the SDK's own number validation
            raise PermanentDeliveryError(str(exc), code="InvalidPhoneNumber") from exc
        return _recipient_outcome(response, to)


def _recipient_outcome(response, to: str) -> str:
    """Map the SDK's answer for our single recipient to its message id or a delivery error."""
    if isinstance(response, str):
        try:
            response = json.loads(response)
        except ValueError as exc:
            raise TransientDeliveryError(f"unreadable answer: {response[:200]!r}", code="bad_response") from exc
    data = (response or {}).get("SMSMessageData") or {}
    recipients = data.get("Recipients") or []
    if not recipients:
        summary = str(data.get("Message", "")) or "no recipients in answer"
        error = PermanentDeliveryError if summary in REFUSED else TransientDeliveryError
        raise error(summary, code=summary if summary in REFUSED else "bad_response")
    recipient = recipients[0]
    status = str(recipient.get("status", ""))
    if status in ACCEPTED:
        logger.info("Africa's Talking accepted SMS %s to %s (%s)", recipient.get("messageId"), to,
                    recipient.get("cost"))
        return str(recipient.get("messageId", ""))
    detail = f"{status} (statusCode {recipient.get('statusCode')}) for {to}"
    if status in REFUSED:
        raise PermanentDeliveryError(detail, code=status)
    raise TransientDeliveryError(detail, code=status or "unknown")
