"""Mobile money by exact payment method: who asks the payer's phone, who answers about it, and
what the provider's callback looks like (for the sandbox). One entry per method an order may name."""
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from payments.models import Provider
from payments.providers import mpesa
from payments.providers.base import ProviderResult, PushRequest, PushStarted


@dataclass(frozen=True)
class MobileMoney:
    provider: str
    push: Callable[[PushRequest], PushStarted]
    status: Callable[[str], ProviderResult]
    # (provider_reference, result "success|failed|cancelled", amount, phone) -> the callback's body
    sandbox_callback: Callable[[str, str, Decimal, str], bytes]


def _mpesa_sandbox_callback(reference: str, result: str, amount: Decimal, phone: str) -> bytes:
    code = {"success": mpesa.SUCCESS, "failed": 1, "cancelled": 1032}[result]
    return mpesa.sandbox_callback(reference, result_code=code, amount=amount, phone=phone)


MOBILE_MONEY = {
    "MPESA": MobileMoney(
        provider=Provider.MPESA,
        push=lambda request: mpesa.stk_push(mpesa.mpesa_config_from_settings(), request),
        status=lambda reference: mpesa.stk_query(mpesa.mpesa_config_from_settings(), reference),
        sandbox_callback=_mpesa_sandbox_callback,
    ),
}


def mobile_money(method: str) -> MobileMoney | None:
    """The mobile money behind an exact payment method, or None while it is not wired."""
    return MOBILE_MONEY.get(method)


def mobile_money_of_provider(provider: str) -> MobileMoney | None:
    return next((money for money in MOBILE_MONEY.values() if money.provider == provider), None)
