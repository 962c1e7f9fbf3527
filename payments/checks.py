"""Start-up checks: live payments need the credentials of every provider they take money through;
sandbox payments are not for production."""
from django.conf import settings
from django.core import checks

from payments.models import Provider

# What each provider needs in live mode (taking money and refunding it); PUBLIC_BASE_URL is every
# callback's address.
LIVE_REQUIRED_BY_PROVIDER = {
    Provider.MPESA: ("MPESA_CALLBACK_TOKEN", "MPESA_CONSUMER_KEY", "MPESA_CONSUMER_SECRET", "MPESA_SHORTCODE",
                     "MPESA_PASSKEY", "MPESA_INITIATOR_NAME", "MPESA_SECURITY_CREDENTIAL"),
    Provider.AIRTEL: ("AIRTEL_CALLBACK_TOKEN", "AIRTEL_CLIENT_ID", "AIRTEL_CLIENT_SECRET"),
    Provider.MTN: ("MTN_SUBSCRIPTION_KEY", "MTN_API_USER", "MTN_API_KEY", "MTN_DISBURSEMENT_SUBSCRIPTION_KEY",
                   "MTN_DISBURSEMENT_API_USER", "MTN_DISBURSEMENT_API_KEY"),
    Provider.CYBERSOURCE: ("CYBERSOURCE_PROFILE_ID", "CYBERSOURCE_ACCESS_KEY", "CYBERSOURCE_SECRET_KEY",
                           "CYBERSOURCE_MERCHANT_ID", "CYBERSOURCE_REST_KEY_ID", "CYBERSOURCE_REST_SHARED_SECRET"),
}
LIVE_REQUIRED = ("PUBLIC_BASE_URL", *(name for names in LIVE_REQUIRED_BY_PROVIDER.values() for name in names))
CALLBACK_TOKENS = {Provider.MPESA: "MPESA_CALLBACK_TOKEN", Provider.AIRTEL: "AIRTEL_CALLBACK_TOKEN"}
CALLBACK_TOKEN_MIN_LENGTH = 24


@checks.register("payments")
def payments_configuration_check(app_configs=None, **kwargs):
    mode = getattr(settings, "PAYMENTS_MODE", "sandbox")
    if mode not in ("sandbox", "live"):
        return [checks.Error(f"PAYMENTS_MODE is {mode!r}: use sandbox or live.", id="payments.E001")]
    providers = list(settings.PAYMENTS_PROVIDERS)
    unknown = [name for name in providers if name not in Provider.values]
    if unknown:
        return [checks.Error(f"PAYMENTS_PROVIDERS names {', '.join(unknown)}: use {', '.join(Provider.values)}.",
                             id="payments.E005")]
    if mode == "live":
        return _live_errors(providers)
    if not settings.DEBUG:
        return [checks.Warning("PAYMENTS_MODE is sandbox with DEBUG off: anyone can complete payments through "
                               "/payments/sandbox/complete/. Set PAYMENTS_MODE=live in production.",
                               id="payments.W001")]
    return []


def _live_errors(providers: list[str]) -> list:
    required = ["PUBLIC_BASE_URL", *(name for provider in providers for name in LIVE_REQUIRED_BY_PROVIDER[provider])]
    missing = [name for name in required if not getattr(settings, name, "")]
    if missing:
        return [checks.Error(f"Live payments need {', '.join(missing)}.", id="payments.E002")]
    short = [CALLBACK_TOKENS[provider] for provider in providers if provider in CALLBACK_TOKENS
             and len(getattr(settings, CALLBACK_TOKENS[provider])) < CALLBACK_TOKEN_MIN_LENGTH]
    if short:
        return [checks.Error(f"{', '.join(short)} must be at least {CALLBACK_TOKEN_MIN_LENGTH} characters.",
                             id="payments.E003")]
    if Provider.MTN in providers and settings.MTN_TARGET_ENVIRONMENT == "sandbox":
        return [checks.Error("MTN_TARGET_ENVIRONMENT is sandbox: set MTN's live environment (mtnuganda).",
                             id="payments.E004")]
    return []
