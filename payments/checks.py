"""Start-up checks: live payments need their credentials; sandbox payments are not for production."""
from django.conf import settings
from django.core import checks

LIVE_REQUIRED = ("MPESA_CALLBACK_TOKEN", "MPESA_CONSUMER_KEY", "MPESA_CONSUMER_SECRET", "MPESA_SHORTCODE",
                 "MPESA_PASSKEY", "PUBLIC_BASE_URL", "AIRTEL_CALLBACK_TOKEN", "AIRTEL_CLIENT_ID",
                 "AIRTEL_CLIENT_SECRET", "MTN_SUBSCRIPTION_KEY", "MTN_API_USER", "MTN_API_KEY",
                 "CYBERSOURCE_PROFILE_ID", "CYBERSOURCE_ACCESS_KEY", "CYBERSOURCE_SECRET_KEY")
CALLBACK_TOKENS = ("MPESA_CALLBACK_TOKEN", "AIRTEL_CALLBACK_TOKEN")
CALLBACK_TOKEN_MIN_LENGTH = 24


@checks.register("payments")
def payments_configuration_check(app_configs=None, **kwargs):
    mode = getattr(settings, "PAYMENTS_MODE", "sandbox")
    if mode not in ("sandbox", "live"):
        return [checks.Error(f"PAYMENTS_MODE is {mode!r}: use sandbox or live.", id="payments.E001")]
    if mode == "live":
        missing = [name for name in LIVE_REQUIRED if not getattr(settings, name, "")]
        if missing:
            return [checks.Error(f"Live payments need {', '.join(missing)}.", id="payments.E002")]
        short = [name for name in CALLBACK_TOKENS if len(getattr(settings, name)) < CALLBACK_TOKEN_MIN_LENGTH]
        if short:
            return [checks.Error(f"{', '.join(short)} must be at least {CALLBACK_TOKEN_MIN_LENGTH} characters.",
                                 id="payments.E003")]
        if settings.MTN_TARGET_ENVIRONMENT == "sandbox":
            return [checks.Error("MTN_TARGET_ENVIRONMENT is sandbox: set MTN's live environment (mtnuganda).",
                                 id="payments.E004")]
        return []
    if not settings.DEBUG:
        return [checks.Warning("PAYMENTS_MODE is sandbox with DEBUG off: anyone can complete payments through "
                               "/payments/sandbox/complete/. Set PAYMENTS_MODE=live in production.",
                               id="payments.W001")]
    return []
