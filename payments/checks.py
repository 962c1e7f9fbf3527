"""Start-up checks: live payments need their credentials; sandbox payments are not for production."""
from django.conf import settings
from django.core import checks

LIVE_REQUIRED = ("MPESA_CALLBACK_TOKEN", "MPESA_CONSUMER_KEY", "MPESA_CONSUMER_SECRET", "MPESA_SHORTCODE",
                 "MPESA_PASSKEY", "PUBLIC_BASE_URL")


@checks.register("payments")
def payments_configuration_check(app_configs=None, **kwargs):
    mode = getattr(settings, "PAYMENTS_MODE", "sandbox")
    if mode not in ("sandbox", "live"):
        return [checks.Error(f"PAYMENTS_MODE is {mode!r}: use sandbox or live.", id="payments.E001")]
    if mode == "live":
        missing = [name for name in LIVE_REQUIRED if not getattr(settings, name, "")]
        if missing:
            return [checks.Error(f"Live payments need {', '.join(missing)}.", id="payments.E002")]
        if len(settings.MPESA_CALLBACK_TOKEN) < 24:
            return [checks.Error("MPESA_CALLBACK_TOKEN must be at least 24 characters.", id="payments.E003")]
        return []
    if not settings.DEBUG:
        return [checks.Warning("PAYMENTS_MODE is sandbox with DEBUG off: anyone can complete payments through "
                               "/payments/sandbox/complete/. Set PAYMENTS_MODE=live in production.",
                               id="payments.W001")]
    return []
