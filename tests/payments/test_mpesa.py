"""The Daraja adapter speaks payments.md §1 exactly; vectors are computed here independently."""
import base64
import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from payments import http
from payments.providers import mpesa
from payments.providers.base import CallbackInvalid, ProviderError, PushRequest, ResultStatus

PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"


@pytest.fixture(autouse=True)
def _recorded():
    http.sandbox_requests.clear()
    yield
    http.sandbox_requests.clear()


@pytest.fixture
def config():
    return mpesa.MpesaConfig()


def _push(config, **fields):
    request = PushRequest(reference="r-1", order_number="AB12CD", amount=Decimal("8300.00"), currency="KES",
                          phone="+254708374149", callback_url="https://example.com/payments/callbacks/mpesa/t/")
    return mpesa.stk_push(config, request, now=datetime(2021, 6, 28, 9, 24, 8, tzinfo=ZoneInfo("Africa/Nairobi")),
                          **fields)


def test_password_matches_the_documented_vectors():
    expected = base64.b64encode(f"174379{PASSKEY}20210628092408".encode()).decode()
    assert mpesa.password("174379", PASSKEY, "20210628092408") == expected == (
        "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMjEwNjI4MDkyNDA4")
    assert mpesa.password("174379", PASSKEY, "20250101120000") == (
        "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMjUwMTAxMTIwMDAw")


def test_stk_push_request_follows_the_daraja_rules(config):
    started = _push(config)
    token_request, push_request = http.sandbox_requests
    assert token_request["url"].endswith("/oauth/v1/generate?grant_type=client_credentials")
    assert token_request["headers"]["authorization"] == "Basic " + base64.b64encode(b"sandbox:sandbox").decode()
    body = push_request["body"]
    assert push_request["url"].endswith("/mpesa/stkpush/v1/processrequest")
    assert push_request["headers"]["authorization"].startswith("Bearer ")
    assert body == {
        "BusinessShortCode": "174379", "Timestamp": "20210628092408",
        "Password": base64.b64encode(f"174379{PASSKEY}20210628092408".encode()).decode(),
        "TransactionType": "CustomerPayBillOnline", "Amount": 8300, "PartyA": "254708374149",
        "PartyB": "174379", "PhoneNumber": "254708374149",
        "CallBackURL": "https://example.com/payments/callbacks/mpesa/t/", "AccountReference": "AB12CD",
        "TransactionDesc": "Mookh order"}
    assert started.provider_reference.startswith("ws_CO_")


def test_one_token_serves_many_pushes_until_it_expires(config):
    _push(config)
    _push(config)
    assert [r["url"].split("?")[0].rsplit("/", 1)[-1] for r in http.sandbox_requests].count("generate") == 1


def test_amount_with_cents_is_rounded_up_to_whole_shillings():
    assert mpesa.whole_shillings(Decimal("10.01")) == 11 and mpesa.whole_shillings(Decimal("10.00")) == 10


def test_refused_push_raises_a_provider_error(config):
    daraja_with_other_passkey = mpesa.sandbox_handler(mpesa.MpesaConfig(passkey="another"))
    client = mpesa.provider_client(base_url=config.base_url, sandbox_handler=daraja_with_other_passkey)
    with pytest.raises(ProviderError) as refused:
        _push(config, client=client)
    assert refused.value.code == "400.002.02"


def test_success_callback_read_by_name_not_position():
    body = json.dumps({"Body": {"stkCallback": {
        "MerchantRequestID": "29115-34620561-1", "CheckoutRequestID": "ws_CO_191220191020363925",
        "ResultCode": 0, "ResultDesc": "The service request is processed successfully.",
        "CallbackMetadata": {"Item": [
            {"Name": "PhoneNumber", "Value": 254708374149}, {"Name": "Balance"},
            {"Name": "MpesaReceiptNumber", "Value": "NLJ7RT61SV"}, {"Name": "Amount", "Value": 1.00},
            {"Name": "TransactionDate", "Value": 20191219102115}]}}}}).encode()
    result = mpesa.callback_parse(body)
    assert (result.provider_reference, result.status, result.amount, result.receipt) == (
        "ws_CO_191220191020363925", ResultStatus.SUCCEEDED, Decimal("1.0"), "NLJ7RT61SV")


def test_cancelled_and_failed_callbacks_carry_no_money():
    cancelled = mpesa.callback_parse(json.dumps({"Body": {"stkCallback": {
        "MerchantRequestID": "f1e2", "CheckoutRequestID": "ws_CO_2107", "ResultCode": 1032,
        "ResultDesc": "Request cancelled by user"}}}).encode())
    assert cancelled.status == ResultStatus.CANCELLED and cancelled.amount is None
    failed = mpesa.callback_parse(json.dumps({"Body": {"stkCallback": {
        "CheckoutRequestID": "ws_CO_2108", "ResultCode": "1", "ResultDesc": "insufficient"}}}).encode())
    assert failed.status == ResultStatus.FAILED


@pytest.mark.parametrize("body", [b"", b"[]", b"{}", b'{"Body": {}}', b'{"Body": {"stkCallback": {"ResultCode": 0}}}',
                                  json.dumps({"Body": {"stkCallback": {"CheckoutRequestID": "x", "ResultCode": 0}}}).encode(),
                                  b"not json"])
def test_malformed_callback_is_refused(body):
    with pytest.raises(CallbackInvalid):
        mpesa.callback_parse(body)


def test_query_is_pending_until_the_customer_answers_and_never_carries_a_receipt(config):
    checkout = _push(config).provider_reference
    assert mpesa.stk_query(config, checkout).status == ResultStatus.PENDING
    mpesa.sandbox_callback(checkout, result_code=0, amount=Decimal("8300"))
    answered = mpesa.stk_query(config, checkout)
    assert answered.status == ResultStatus.SUCCEEDED and answered.receipt is None
    query = http.sandbox_requests[-1]["body"]
    assert set(query) == {"BusinessShortCode", "Password", "Timestamp", "CheckoutRequestID"}


def test_provider_calls_refused_inside_a_transaction(config, db):
    from django.db import transaction

    with transaction.atomic(), pytest.raises(http.InsideTransaction):
        _push(config)
