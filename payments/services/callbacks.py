"""Callbacks as they arrive: recorded first, then authenticated and read, then applied."""
import logging

from django.conf import settings

from payments.models import PaymentAttempt, Provider, ProviderCallback
from payments.providers import airtel, mpesa, mtn
from payments.providers.base import (
    CallbackInvalid, CallbackUnauthenticated, ProviderError, ProviderResult, ResultStatus,
)
from payments.providers.mobile import mobile_money
from payments.services.results import callback_close, callback_record, callback_token_matches, payment_result_apply

logger = logging.getLogger(__name__)
Outcome = ProviderCallback.Outcome


def mpesa_callback_receive(*, token: str, body: bytes, headers: dict, remote_addr: str) -> ProviderCallback:
    """An STK callback: authenticated by the secret path token (Daraja signs nothing) and by naming
    an attempt we started. The record's outcome says what the answer is."""
    record = callback_record(provider=Provider.MPESA, body=body, headers=headers, remote_addr=remote_addr)
    if not callback_token_matches(token, settings.MPESA_CALLBACK_TOKEN):
        return callback_close(record, Outcome.UNAUTHENTICATED, "wrong callback token")
    try:
        result = mpesa.callback_parse(body)
    except CallbackInvalid as exc:
        return callback_close(record, Outcome.INVALID, str(exc))
    return payment_result_apply(provider=Provider.MPESA, result=result, record=record)


def airtel_callback_receive(*, token: str, body: bytes, headers: dict, remote_addr: str) -> ProviderCallback:
    """An Airtel Money callback (one URL for every attempt, set in the Airtel app): authenticated by
    the secret path token and, when AIRTEL_CALLBACK_KEY is set, by its `hash`. Even then it is only
    a hint: a final one counts once Airtel's enquiry says the same (outside any transaction)."""
    record = callback_record(provider=Provider.AIRTEL, body=body, headers=headers, remote_addr=remote_addr)
    if not callback_token_matches(token, settings.AIRTEL_CALLBACK_TOKEN):
        return callback_close(record, Outcome.UNAUTHENTICATED, "wrong callback token")
    try:  # the callback key is the same for every country's app
        hint = airtel.callback_parse(airtel.airtel_config_from_settings("KE"), body)
    except CallbackUnauthenticated as exc:
        return callback_close(record, Outcome.UNAUTHENTICATED, str(exc))
    except CallbackInvalid as exc:
        return callback_close(record, Outcome.INVALID, str(exc))
    return _confirmed_apply(provider=Provider.AIRTEL, hint=hint, record=record)


def mtn_callback_receive(*, reference: str, body: bytes, headers: dict, remote_addr: str) -> ProviderCallback:
    """An MTN MoMo callback, PUT or POSTed once to the attempt's own URL (`reference` is its
    X-Reference-Id). MTN signs nothing, so the status query decides what is credited."""
    record = callback_record(provider=Provider.MTN, body=body, headers=headers, remote_addr=remote_addr)
    try:
        hint = mtn.callback_parse(body, reference=reference)
    except CallbackInvalid as exc:
        return callback_close(record, Outcome.INVALID, str(exc))
    return _confirmed_apply(provider=Provider.MTN, hint=hint, record=record)


def _confirmed_apply(*, provider: str, hint: ProviderResult, record: ProviderCallback) -> ProviderCallback:
    """Apply what the provider's status query says about the attempt a callback names: only an
    attempt we started and that is still open is asked about, and a callback that disagrees with
    the query (a forgery, or one sent too early) changes nothing the query does not confirm."""
    attempt = PaymentAttempt.objects.filter(provider=provider, provider_reference=hint.provider_reference).first()
    if attempt is None:
        return callback_close(record, Outcome.UNKNOWN_REFERENCE, f"no attempt {hint.provider_reference}")
    if attempt.status in PaymentAttempt.TERMINAL:
        return callback_close(record, Outcome.DUPLICATE, f"attempt already {attempt.status}", attempt)
    if hint.status == ResultStatus.PENDING:
        return callback_close(record, Outcome.NOT_PAID, "still pending", attempt)
    try:
        confirmed = mobile_money(attempt.method).status(attempt.provider_reference)
    except ProviderError as exc:
        return callback_close(record, Outcome.NOT_PAID, f"not confirmed, the status query failed: {exc}", attempt)
    if confirmed.status != hint.status:
        logger.warning("%s callback %s says %s, the status query %s", provider, record.pk, hint.status,
                       confirmed.status)
    if confirmed.status == ResultStatus.PENDING:
        return callback_close(record, Outcome.NOT_PAID, f"callback says {hint.status}, the status query pending",
                              attempt)
    return payment_result_apply(provider=provider, result=confirmed, record=record)
