"""Refunds by the provider that took the money (a Payment's `provider`): who sends it back,
whether only a whole payment can go back, how to ask about one it has not finished, and what the
result it posts later looks like in sandbox mode. A provider with no entry (cash) has no API:
its refunds are handed back by staff.

Every `refund` raises ProviderError when nothing went back: `retryable` only when sending the
same refund again is safe (the request never arrived, or the provider dedupes it); a request
whose outcome is unknown is not retryable, so that staff look before anything is sent again.
"""
from collections.abc import Callable
from dataclasses import dataclass

from payments.models import Provider
from payments.providers import airtel, cybersource_rest, mpesa_reversal, mtn_disbursement
from payments.providers.base import ProviderError, RefundOperation, RefundRequest, RefundResult, ResultStatus

AIRTEL_COUNTRIES = {currency: country for country, currency in airtel.CURRENCIES.items()}


@dataclass(frozen=True)
class Refunder:
    provider: str
    label: str
    refund: RefundOperation
    whole_payments_only: bool = False
    # Asks how a PENDING refund went (by its provider_reference); None when the provider posts its result.
    status: Callable[[str], RefundResult] | None = None
    # Sandbox mode: the result the provider would post later for a PENDING refund (by its provider_reference).
    sandbox_result: Callable[[str], bytes | None] | None = None


def _airtel_refund(request: RefundRequest) -> RefundResult:
    """Airtel refunds a whole collection by its airtel_money_id (payments.md §3.5)."""
    if request.amount != request.payment_amount:
        raise ProviderError(f"Airtel Money refunds a whole payment ({request.payment_amount}), not {request.amount}",
                            code="airtel_partial_refund")
    country = AIRTEL_COUNTRIES.get(request.currency)
    if country is None:
        raise ProviderError(f"Airtel Money does not refund {request.currency}", code="airtel_currency_mismatch")
    try:
        answer = airtel.refund(airtel.airtel_config_from_settings(country), request.payment_reference)
    except ProviderError as exc:
        if exc.code == "airtel_outcome_unknown":  # the refund may have gone through: never sent again blindly
            raise ProviderError(f"{exc}; the outcome is unknown", code=exc.code) from exc
        raise
    transaction = (answer.get("data") or {}).get("transaction") or {}
    reference = str(transaction.get("airtel_money_id") or request.payment_reference)
    return RefundResult(status=ResultStatus.SUCCEEDED, provider_reference=reference, receipt=reference,
                        description=str((answer.get("status") or {}).get("message") or ""), raw=answer)


REFUNDERS = {
    Provider.MPESA: Refunder(
        provider=Provider.MPESA, label="M-Pesa", whole_payments_only=True,
        refund=lambda request: mpesa_reversal.reverse(mpesa_reversal.reversal_config_from_settings(), request),
        sandbox_result=mpesa_reversal.sandbox_result,
    ),
    Provider.AIRTEL: Refunder(provider=Provider.AIRTEL, label="Airtel Money", whole_payments_only=True,
                              refund=_airtel_refund),
    Provider.MTN: Refunder(
        provider=Provider.MTN, label="MTN MoMo",
        refund=lambda request: mtn_disbursement.refund(mtn_disbursement.disbursement_config_from_settings(), request),
        status=lambda reference: mtn_disbursement.status(mtn_disbursement.disbursement_config_from_settings(),
                                                         reference),
    ),
    Provider.CYBERSOURCE: Refunder(
        provider=Provider.CYBERSOURCE, label="Card",
        refund=lambda request: cybersource_rest.refund(cybersource_rest.rest_config_from_settings(), request),
    ),
}


def refunder(provider: str) -> Refunder | None:
    """The refund API of a payment's provider, or None when staff hand the money back (cash)."""
    return REFUNDERS.get(provider)
