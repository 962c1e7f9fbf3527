"""Secure Acceptance signing and receipts follow payments.md §2; vectors are computed here independently."""
import base64
import hashlib
import hmac
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from payments.providers import cybersource
from payments.providers.base import CallbackInvalid, CallbackUnauthenticated, ResultStatus

SECRET = "test_secret_key_do_not_use_0123456789abcdef"
ACCESS_KEY = "0123456789abcdef0123456789abcdef"
PROFILE_ID = "0FFEAFFB-8171-4F34-A22D-1CD38A28A384"
TRANSACTION_UUID = "5c1f0e2a9b7d4c3e8f6a1b2c3d4e5f60"
REQUEST_NAMES = ("access_key,profile_id,transaction_uuid,signed_field_names,unsigned_field_names,signed_date_time,"
                 "locale,transaction_type,reference_number,amount,currency")
RESPONSE_NAMES = ("transaction_id,decision,req_reference_number,req_transaction_uuid,req_amount,req_currency,"
                  "auth_amount,auth_code,reason_code,message,signed_field_names,signed_date_time")


def _hmac(message: str, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()).decode()


@pytest.fixture
def config():
    return cybersource.CybersourceConfig(profile_id=PROFILE_ID, access_key=ACCESS_KEY, secret_key=SECRET)


def _form(config, **overrides):
    options = {"transaction_uuid": TRANSACTION_UUID, "reference_number": "ORD-2025-000123",
               "amount": Decimal("1500.00"), "currency": "KES", "now": datetime(2025, 1, 15, 9, 30, tzinfo=UTC)}
    return cybersource.checkout_form(config, **{**options, **overrides})


def _receipt(decision="ACCEPT", reason_code="100", secret=SECRET, **fields):
    """A receipt as Cybersource signs it, built here without the adapter."""
    values = {
        "transaction_id": "73712345678901234567890123", "decision": decision,
        "req_reference_number": "ORD-2025-000123", "req_transaction_uuid": TRANSACTION_UUID,
        "req_amount": "1500.00", "req_currency": "KES", "req_access_key": ACCESS_KEY, "req_profile_id": PROFILE_ID,
        "auth_amount": "1500.00", "auth_code": "831000", "reason_code": reason_code, "message": "Processed.",
        "signed_date_time": "2025-01-15T09:31:12Z", **fields,
    }
    values = {name: value for name, value in values.items() if value is not None}
    values["signed_field_names"] = ",".join([*values, "signed_field_names"])
    names = values["signed_field_names"].split(",")
    values["signature"] = _hmac(",".join(f"{name}={values[name]}" for name in names), secret)
    return values


def test_sign_matches_the_cross_check_vectors():
    fields = {"foo": "bar", "baz": "bat"}
    assert cybersource.sign({**fields, "signed_field_names": "foo,baz"}, "FOO") == _hmac("foo=bar,baz=bat", "FOO") \
        == "IVMC7Aj8pDKwLx+0eNfIfoQAHvViiLeavLyYatCtB+c="
    assert cybersource.sign({**fields, "signed_field_names": "baz,foo"}, "FOO") == _hmac("baz=bat,foo=bar", "FOO") \
        == "5Gw1ffUlVU9Cm0tTa/nzhQ81Bc6/SDqz/tEP5VyMzkk="
    assert cybersource.sign({**fields, "signed_field_names": "foo,baz"}, "SECRET") \
        == "FvjC1PIhxuaLipTbRDw9UXL6F58t9Hyj12HLHiYoOD0="


def test_sign_signs_a_missing_field_as_empty_when_it_is_named():
    fields = {"foo": "bar", "signed_field_names": "foo,absent"}
    assert cybersource.sign(fields, "FOO") == _hmac("foo=bar,absent=", "FOO")


def test_sign_matches_the_documented_request_example():
    fields = {"access_key": ACCESS_KEY, "profile_id": PROFILE_ID, "transaction_uuid": TRANSACTION_UUID,
              "signed_field_names": REQUEST_NAMES, "unsigned_field_names": "",
              "signed_date_time": "2025-01-15T09:30:00Z", "locale": "en", "transaction_type": "sale",
              "reference_number": "ORD-2025-000123", "amount": "1500.00", "currency": "KES"}
    data_to_sign = ",".join(f"{name}={fields[name]}" for name in REQUEST_NAMES.split(","))
    assert cybersource.sign(fields, SECRET) == _hmac(data_to_sign, SECRET) == \
        "deGy/E4X52XUgS4oBSeq6p/h2yEOP1I5wiF4/OeODwc="


def test_sign_matches_the_documented_response_example_and_a_tampered_amount_does_not():
    values = ["7371234567890123456789", "ACCEPT", "ORD-2025-000123", TRANSACTION_UUID, "1500.00", "KES", "1500.00",
              "831000", "100", "Request was processed successfully.", RESPONSE_NAMES, "2025-01-15T09:31:12Z"]
    fields = dict(zip(RESPONSE_NAMES.split(","), values, strict=True))
    expected = "OJq2bC7WtQW7y7YUMixfkTA/NJ0NzZWwvQftQTB0EIM="
    data_to_sign = ",".join(f"{name}={value}" for name, value in fields.items())
    assert cybersource.sign(fields, SECRET) == _hmac(data_to_sign, SECRET) == expected
    assert cybersource.sign({**fields, "req_amount": "15.00"}, SECRET) != expected


def test_checkout_form_reproduces_the_documented_request(config):
    form = _form(config)
    assert form["url"] == "https://testsecureacceptance.cybersource.com/pay"
    assert form["fields"] == {
        "access_key": ACCESS_KEY, "profile_id": PROFILE_ID, "transaction_uuid": TRANSACTION_UUID,
        "signed_field_names": REQUEST_NAMES, "unsigned_field_names": "", "signed_date_time": "2025-01-15T09:30:00Z",
        "locale": "en", "transaction_type": "sale", "reference_number": "ORD-2025-000123", "amount": "1500.00",
        "currency": "KES", "signature": "deGy/E4X52XUgS4oBSeq6p/h2yEOP1I5wiF4/OeODwc="}


def test_checkout_form_signs_the_receipt_page_and_billing_fields(config):
    fields = _form(config, amount=Decimal("15"), receipt_url="https://shop.example/pay/receipt/",
                   bill_to={"forename": "Amina", "email": "amina@example.com"})["fields"]
    assert fields["amount"] == "15.00"
    assert fields["signed_field_names"] == (REQUEST_NAMES + ",override_custom_receipt_page,bill_to_forename,"
                                            "bill_to_email")
    names = fields["signed_field_names"].split(",")
    assert fields["signature"] == _hmac(",".join(f"{name}={fields[name]}" for name in names), SECRET)


def test_checkout_form_converts_signed_date_time_to_utc(config):
    nairobi = datetime.fromisoformat("2025-01-15T12:30:00+03:00")
    assert _form(config, now=nairobi)["fields"]["signed_date_time"] == "2025-01-15T09:30:00Z"


@pytest.mark.parametrize("overrides", [
    {"reference_number": "R" * 41},
    {"amount": Decimal("10.005")},
    {"amount": Decimal("0")},
    {"currency": "kes"},
    {"bill_to": {"card_number": "4111111111111111"}},
])
def test_checkout_form_refuses_values_cybersource_would_refuse_when_out_of_range(config, overrides):
    with pytest.raises(ValueError):
        _form(config, **overrides)


def test_checkout_form_accepts_a_forty_character_reference_when_at_the_limit(config):
    assert _form(config, reference_number="R" * 40)["fields"]["reference_number"] == "R" * 40


def test_checkout_form_refuses_float_amounts_when_given_one(config):
    with pytest.raises(TypeError):
        _form(config, amount=1500.0)


def test_receipt_parse_reads_an_accepted_sale(config):
    receipt = _receipt()
    result = cybersource.receipt_parse(config, receipt)
    assert result.status == ResultStatus.SUCCEEDED
    assert result.provider_reference == TRANSACTION_UUID
    assert result.receipt == "73712345678901234567890123"
    assert result.amount == Decimal("1500.00") and result.currency == "KES"
    assert result.raw == receipt


@pytest.mark.parametrize(("decision", "reason_code", "status"), [
    ("REVIEW", "200", ResultStatus.PENDING),
    ("DECLINE", "203", ResultStatus.FAILED),
    ("ERROR", "150", ResultStatus.FAILED),
    ("CANCEL", "200", ResultStatus.CANCELLED),
    ("SOMETHING_NEW", "999", ResultStatus.FAILED),
])
def test_receipt_parse_maps_each_decision(config, decision, reason_code, status):
    result = cybersource.receipt_parse(config, _receipt(decision, reason_code, auth_amount=None, auth_code=None))
    assert result.status == status
    assert result.amount == Decimal("1500.00")


def test_receipt_parse_ignores_the_reason_code_when_the_decision_is_accept(config):
    assert cybersource.receipt_parse(config, _receipt("ACCEPT", "999")).status == ResultStatus.SUCCEEDED


def test_receipt_parse_does_not_fulfil_a_partial_approval(config):
    result = cybersource.receipt_parse(config, _receipt("ACCEPT", "110", auth_amount="750.00"))
    assert result.status == ResultStatus.FAILED
    assert result.description == "partial approval"
    assert result.amount == Decimal("750.00")


def test_receipt_parse_does_not_fulfil_when_less_is_authorised_than_requested(config):
    result = cybersource.receipt_parse(config, _receipt("ACCEPT", "100", auth_amount="1499.99"))
    assert (result.status, result.description) == (ResultStatus.FAILED, "partial approval")


def test_receipt_parse_uses_the_requested_amount_when_nothing_was_authorised(config):
    result = cybersource.receipt_parse(config, _receipt("ACCEPT", "100", auth_amount=None))
    assert result.status == ResultStatus.SUCCEEDED and result.amount == Decimal("1500.00")


def test_receipt_parse_rejects_a_tampered_amount(config):
    receipt = {**_receipt(), "req_amount": "15.00", "auth_amount": "15.00"}
    with pytest.raises(CallbackUnauthenticated):
        cybersource.receipt_parse(config, receipt)


def test_receipt_parse_rejects_a_receipt_signed_with_another_secret(config):
    with pytest.raises(CallbackUnauthenticated):
        cybersource.receipt_parse(config, _receipt(secret="not-our-secret"))


@pytest.mark.parametrize("missing", ["signature", "signed_field_names"])
def test_receipt_parse_rejects_a_receipt_when_the_signature_is_missing(config, missing):
    receipt = _receipt()
    del receipt[missing]
    with pytest.raises(CallbackUnauthenticated):
        cybersource.receipt_parse(config, receipt)


@pytest.mark.parametrize("field", ["req_access_key", "req_profile_id"])
def test_receipt_parse_rejects_a_receipt_when_it_names_another_profile(config, field):
    with pytest.raises(CallbackUnauthenticated):
        cybersource.receipt_parse(config, _receipt(**{field: "f" * 32}))


def test_receipt_parse_does_not_believe_an_unsigned_decision(config):
    receipt = _receipt(None, "203", auth_amount=None)
    receipt["decision"] = "ACCEPT"    # posted, but outside signed_field_names
    with pytest.raises(CallbackInvalid):
        cybersource.receipt_parse(config, receipt)


@pytest.mark.parametrize("fields", [{"req_transaction_uuid": None}, {"transaction_id": None}, {"req_amount": "abc"}])
def test_receipt_parse_rejects_a_receipt_when_a_needed_field_is_missing_or_malformed(config, fields):
    with pytest.raises(CallbackInvalid):
        cybersource.receipt_parse(config, _receipt(**fields))


def test_sandbox_receipt_round_trips_through_receipt_parse(config):
    form = _form(config)["fields"]
    receipt = cybersource.sandbox_receipt(config, form_fields=form)
    names = receipt["signed_field_names"].split(",")
    assert receipt["signature"] == _hmac(",".join(f"{name}={receipt[name]}" for name in names), SECRET)
    assert receipt["req_reference_number"] == "ORD-2025-000123" and receipt["req_amount"] == "1500.00"
    assert len(receipt["transaction_id"]) == 26 and receipt["transaction_id"].isdigit()
    result = cybersource.receipt_parse(config, receipt)
    assert (result.status, result.amount, result.currency) == (ResultStatus.SUCCEEDED, Decimal("1500.00"), "KES")
    assert (result.provider_reference, result.receipt) == (TRANSACTION_UUID, receipt["transaction_id"])


@pytest.mark.parametrize(("decision", "reason_code", "status"), [
    ("DECLINE", "203", ResultStatus.FAILED),
    ("CANCEL", "200", ResultStatus.CANCELLED),
    ("REVIEW", "200", ResultStatus.PENDING),
])
def test_sandbox_receipt_drives_each_decision(config, decision, reason_code, status):
    receipt = cybersource.sandbox_receipt(config, form_fields=_form(config)["fields"], decision=decision,
                                          reason_code=reason_code, transaction_id="1" * 26)
    result = cybersource.receipt_parse(config, receipt)
    assert (result.status, result.receipt) == (status, "1" * 26)


def test_sandbox_receipt_approves_half_when_the_reason_is_partial_approval(config):
    receipt = cybersource.sandbox_receipt(config, form_fields=_form(config)["fields"], reason_code="110")
    assert receipt["auth_amount"] == "750.00"
    assert cybersource.receipt_parse(config, receipt).status == ResultStatus.FAILED


def test_sandbox_receipt_answers_error_102_when_the_form_is_tampered(config):
    form = {**_form(config)["fields"], "amount": "1.00"}
    receipt = cybersource.sandbox_receipt(config, form_fields=form)
    assert (receipt["decision"], receipt["reason_code"]) == ("ERROR", "102")
    assert cybersource.receipt_parse(config, receipt).status == ResultStatus.FAILED


def test_config_from_settings_reads_the_profile(settings):
    settings.CYBERSOURCE_PROFILE_ID, settings.CYBERSOURCE_ACCESS_KEY = PROFILE_ID, ACCESS_KEY
    settings.CYBERSOURCE_SECRET_KEY, settings.PAYMENTS_MODE = SECRET, "live"
    assert cybersource.cybersource_config_from_settings() == cybersource.CybersourceConfig(
        profile_id=PROFILE_ID, access_key=ACCESS_KEY, secret_key=SECRET,
        pay_url="https://testsecureacceptance.cybersource.com/pay", sandbox=False)


def test_config_from_settings_refuses_live_mode_when_credentials_are_missing(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PAYMENTS_MODE, settings.CYBERSOURCE_SECRET_KEY = "live", ""
    with pytest.raises(ImproperlyConfigured):
        cybersource.cybersource_config_from_settings()
