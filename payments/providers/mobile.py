"""Mobile money by exact payment method: who asks the payer's phone, who answers about it, and
what the provider's callback looks like (for the sandbox). One entry per method an order may name."""
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from phonenumbers import NumberParseException

from mookh.core.phone import phone_country
from payments.models import Provider
from payments.providers import airtel, mpesa, mtn
from payments.providers.base import ProviderError, ProviderResult, PushRequest, PushStarted

MTN_COUNTRY, MTN_CURRENCY = "UG", "UGX"
SANDBOX_RESULTS = ("success", "failed", "cancelled")


def _never(exc: ProviderError) -> bool:
    return False


@dataclass(frozen=True)
class MobileMoney:
    provider: str
    push: Callable[[PushRequest], PushStarted]
    status: Callable[[str], ProviderResult]
    # (provider_reference, result "success|failed|cancelled", amount, currency, phone) -> the callback's
    # body; the sandbox's status query agrees with it from then on.
    sandbox_callback: Callable[[str, str, Decimal, str, str], bytes]
    # Whether a push that raised this error may still have reached the phone. Only for providers
    # that name the attempt by our reference, whose status query can then settle it.
    push_may_have_started: Callable[[ProviderError], bool] = _never


def _mpesa_sandbox_callback(reference: str, result: str, amount: Decimal, currency: str, phone: str) -> bytes:
    code = {"success": mpesa.SUCCESS, "failed": 1, "cancelled": 1032}[result]
    return mpesa.sandbox_callback(reference, result_code=code, amount=amount, phone=phone)


def _airtel(country: str) -> MobileMoney:
    def config() -> airtel.AirtelConfig:
        return airtel.airtel_config_from_settings(country)

    def sandbox_callback(reference: str, result: str, amount: Decimal, currency: str, phone: str) -> bytes:
        code = "TS" if result == "success" else "TF"
        airtel.sandbox_outcome_set(config(), reference, code)
        return airtel.sandbox_callback(config(), reference, status_code=code)

    return MobileMoney(
        provider=Provider.AIRTEL,
        push=lambda request: airtel.push(config(), request),
        status=lambda reference: airtel.status(config(), reference),
        sandbox_callback=sandbox_callback,
        push_may_have_started=lambda exc: exc.code == "airtel_outcome_unknown",
    )


def _mtn_push(request: PushRequest) -> PushStarted:
    """MTN takes any E.164 number and currency: a Ugandan collection is checked here, before sending."""
    if request.currency != MTN_CURRENCY:
        raise ProviderError(f"MTN MoMo {MTN_COUNTRY} collects {MTN_CURRENCY}, not {request.currency}",
                            code="mtn_currency_mismatch")
    try:
        country = phone_country(request.phone)
    except NumberParseException:
        country = None
    if country != MTN_COUNTRY:
        raise ProviderError(f"{request.phone!r} is not an MTN {MTN_COUNTRY} number", code="mtn_phone_invalid")
    try:
        return mtn.request_to_pay(mtn.mtn_config_from_settings(), request)
    except (TypeError, ValueError) as exc:  # the adapter's own checks (reference, amount, number)
        raise ProviderError(f"MTN MoMo cannot ask for this payment: {exc}", code="mtn_request_invalid") from exc


def _mtn_sandbox_callback(reference: str, result: str, amount: Decimal, currency: str, phone: str) -> bytes:
    status = "SUCCESSFUL" if result == "success" else "FAILED"
    reason = {"success": None, "failed": "NOT_ENOUGH_FUNDS", "cancelled": "APPROVAL_REJECTED"}[result]
    mtn.sandbox_outcome_set(reference, status, reason=reason, amount=amount, currency=currency)
    return mtn.sandbox_callback(reference, status=status, reason=reason or "", amount=amount, currency=currency,
                                payer=phone)


MOBILE_MONEY = {
    "MPESA": MobileMoney(
        provider=Provider.MPESA,
        push=lambda request: mpesa.stk_push(mpesa.mpesa_config_from_settings(), request),
        status=lambda reference: mpesa.stk_query(mpesa.mpesa_config_from_settings(), reference),
        sandbox_callback=_mpesa_sandbox_callback,
    ),
    "AIRTEL": _airtel("KE"),
    "AIRTELUG": _airtel("UG"),
    "MTNUG": MobileMoney(
        provider=Provider.MTN,
        push=_mtn_push,
        status=lambda reference: mtn.status(mtn.mtn_config_from_settings(), reference),
        sandbox_callback=_mtn_sandbox_callback,
        # X-Reference-Id is ours and MTN refuses a reused one: a push that timed out or met a 5xx
        # is settled by the status query (404 reads as failed).
        push_may_have_started=lambda exc: exc.retryable,
    ),
}


def mobile_money(method: str) -> MobileMoney | None:
    """The mobile money behind an exact payment method, or None when it is not wired or its
    provider is not among PAYMENTS_PROVIDERS."""
    money = MOBILE_MONEY.get(method)
    return money if money is not None and money.provider in settings.PAYMENTS_PROVIDERS else None

