"""Live refunds need each provider's refund credentials: the start-up check names what is missing."""
from payments.checks import payments_configuration_check
from tests.payments.test_payments_checks import LIVE

REFUND_CREDENTIALS = ("MPESA_INITIATOR_NAME", "MPESA_SECURITY_CREDENTIAL", "MTN_DISBURSEMENT_SUBSCRIPTION_KEY",
                      "MTN_DISBURSEMENT_API_USER", "MTN_DISBURSEMENT_API_KEY", "CYBERSOURCE_MERCHANT_ID",
                      "CYBERSOURCE_REST_KEY_ID", "CYBERSOURCE_REST_SHARED_SECRET")


def test_live_mode_names_every_missing_refund_credential(settings):
    for name, value in {**LIVE, **dict.fromkeys(REFUND_CREDENTIALS, "")}.items():
        setattr(settings, name, value)
    [error] = payments_configuration_check()
    assert error.id == "payments.E002" and all(name in error.msg for name in REFUND_CREDENTIALS)


def test_live_mode_starts_once_the_refund_credentials_are_set(settings):
    for name, value in LIVE.items():
        setattr(settings, name, value)
    assert all(getattr(settings, name) for name in REFUND_CREDENTIALS)
    assert payments_configuration_check() == []
