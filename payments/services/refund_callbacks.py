"""Refund results that providers post later: recorded first, authenticated and read, applied once.

M-Pesa posts a reversal's `Result` to the ResultURL (or a timeout to the QueueTimeOutURL) that
the reversal request named: a URL with the secret MPESA_CALLBACK_TOKEN, like the STK callback's
(Daraja signs nothing). The Result names the reversal by the ConversationID Daraja acknowledged
it with, so a Result that names no refund we sent changes nothing.
"""

from django.conf import settings

from payments.models import Provider, ProviderCallback, Refund
from payments.providers import mpesa_reversal
from payments.providers.base import CallbackInvalid, RefundResult, ResultStatus
from payments.services.refund_sending import refund_result_record
from payments.services.results import callback_close, callback_record, callback_token_matches

Outcome = ProviderCallback.Outcome


def mpesa_reversal_result_receive(*, token: str, body: bytes, headers: dict, remote_addr: str,
                                  timed_out: bool = False) -> ProviderCallback:
    """A reversal Result (or, `timed_out`, a queue timeout): the record's outcome says what became of it."""
    record = callback_record(provider=Provider.MPESA, body=body, headers=headers, remote_addr=remote_addr)
    if not callback_token_matches(token, settings.MPESA_CALLBACK_TOKEN):
        return callback_close(record, Outcome.UNAUTHENTICATED, "wrong callback token")
    try:
        result = mpesa_reversal.result_parse(body, timed_out=timed_out)
    except CallbackInvalid as exc:
        return callback_close(record, Outcome.INVALID, str(exc))
    return refund_result_apply(provider=Provider.MPESA, result=result, record=record)


def refund_result_apply(*, provider: str, result: RefundResult, record: ProviderCallback) -> ProviderCallback:
    """Apply a provider's result to the refund it names, once; a replay is a duplicate."""
    refund = Refund.objects.filter(provider=provider, provider_reference=result.provider_reference,
                                   sent_at__isnull=False).first()
    if refund is None:
        return callback_close(record, Outcome.UNKNOWN_REFERENCE, f"no refund {result.provider_reference}")
    record.refund = refund
    record.save(update_fields=["refund", "updated"])
    refund, applied = refund_result_record(refund_id=refund.pk, result=result)
    if not applied:
        return callback_close(record, Outcome.DUPLICATE, f"refund already {refund.status}")
    if result.status == ResultStatus.SUCCEEDED:
        return callback_close(record, Outcome.REFUNDED, result.receipt)
    return callback_close(record, Outcome.REFUND_FAILED, result.description)


def refund_early_results_apply(refund: Refund) -> None:
    """Apply a result that arrived before the request's acknowledgement was recorded: it named a
    conversation unknown then, and was kept (UNKNOWN_REFERENCE). Run once the refund is PENDING
    with the provider's reference."""
    parse = RESULT_PARSERS.get(refund.provider)
    if parse is None or not refund.provider_reference:
        return
    early = ProviderCallback.objects.filter(provider=refund.provider, outcome=Outcome.UNKNOWN_REFERENCE,
                                            created__gte=refund.created, body__contains=refund.provider_reference)
    for record in early.order_by("created"):
        try:
            result = parse(record.body.encode())
        except CallbackInvalid:
            continue
        if result.provider_reference == refund.provider_reference:
            refund_result_apply(provider=refund.provider, result=result, record=record)


RESULT_PARSERS = {Provider.MPESA: mpesa_reversal.result_parse}
# Who receives each provider's posted refund results (the sandbox delivers to them too).
RESULT_RECEIVERS = {
    Provider.MPESA: lambda *, body, headers, remote_addr: mpesa_reversal_result_receive(
        token=settings.MPESA_CALLBACK_TOKEN, body=body, headers=headers, remote_addr=remote_addr),
}
