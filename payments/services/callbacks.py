"""Callbacks as they arrive: recorded first, then authenticated and read, then applied."""
import hmac

from django.conf import settings

from payments.models import Provider, ProviderCallback
from payments.providers import mpesa
from payments.providers.base import CallbackInvalid
from payments.services.results import callback_close, callback_record, payment_result_apply

Outcome = ProviderCallback.Outcome


def mpesa_callback_receive(*, token: str, body: bytes, headers: dict, remote_addr: str) -> ProviderCallback:
    """An STK callback: authenticated by the secret path token (Daraja signs nothing) and by naming
    an attempt we started. The record's outcome says what the answer is."""
    record = callback_record(provider=Provider.MPESA, body=body, headers=headers, remote_addr=remote_addr)
    if not hmac.compare_digest((token or "").encode(), settings.MPESA_CALLBACK_TOKEN.encode()):
        return callback_close(record, Outcome.UNAUTHENTICATED, "wrong callback token")
    try:
        result = mpesa.callback_parse(body)
    except CallbackInvalid as exc:
        return callback_close(record, Outcome.INVALID, str(exc))
    return payment_result_apply(provider=Provider.MPESA, result=result, record=record)
