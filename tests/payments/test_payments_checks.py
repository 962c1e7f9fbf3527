"""Start-up checks: live payments refuse to start without every provider's credentials."""
from payments.checks import LIVE_REQUIRED, payments_configuration_check

# Every required setting given a plausible value (tokens long enough); each test breaks one.
LIVE = {**{name: "configured-value-" + "x" * 16 for name in LIVE_REQUIRED},
        "PAYMENTS_MODE": "live", "PUBLIC_BASE_URL": "https://api.example.com", "MTN_TARGET_ENVIRONMENT": "mtnuganda"}


def _live(settings, **changes):
    for name, value in {**LIVE, **changes}.items():
        setattr(settings, name, value)
    return [(error.id, error.msg) for error in payments_configuration_check()]


def test_live_mode_starts_when_every_provider_is_configured(settings):
    assert _live(settings) == []


def test_live_mode_names_the_missing_airtel_and_mtn_credentials(settings):
    [(code, message)] = _live(settings, AIRTEL_CLIENT_SECRET="", MTN_API_KEY="")
    assert code == "payments.E002" and "AIRTEL_CLIENT_SECRET" in message and "MTN_API_KEY" in message


def test_live_mode_refuses_a_short_airtel_callback_token(settings):
    [(code, message)] = _live(settings, AIRTEL_CALLBACK_TOKEN="sandbox-callback-token")
    assert code == "payments.E003" and "AIRTEL_CALLBACK_TOKEN" in message


def test_live_mode_refuses_the_mtn_sandbox_environment(settings):
    assert [code for code, _ in _live(settings, MTN_TARGET_ENVIRONMENT="sandbox")] == ["payments.E004"]


def test_live_mode_with_mpesa_only_needs_only_mpesa_credentials(settings):
    others = {name: "" for name in LIVE_REQUIRED if name.startswith(("AIRTEL_", "MTN_", "CYBERSOURCE_"))}
    assert _live(settings, PAYMENTS_PROVIDERS=["mpesa"], MTN_TARGET_ENVIRONMENT="sandbox", **others) == []


def test_live_mode_with_mpesa_only_names_a_missing_mpesa_credential(settings):
    [(code, message)] = _live(settings, PAYMENTS_PROVIDERS=["mpesa"], MPESA_PASSKEY="", MTN_API_KEY="")
    assert code == "payments.E002" and "MPESA_PASSKEY" in message and "MTN" not in message


def test_unknown_provider_name_refused_at_start(settings):
    [(code, message)] = _live(settings, PAYMENTS_PROVIDERS=["mpesa", "paypal"])
    assert code == "payments.E005" and "paypal" in message
