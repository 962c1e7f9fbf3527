"""The paybill (C2B) adapter speaks payments.md §1.9 exactly: bodies written here from the note."""
import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.core.management import CommandError, call_command

from payments import http
from payments.providers import mpesa, mpesa_c2b
from payments.providers.base import CallbackInvalid, ProviderError
from tests.payments.paybill import TOKEN, c2b_body

EAT = ZoneInfo("Africa/Nairobi")


@pytest.fixture(autouse=True)
def _recorded():
    http.sandbox_requests.clear()
    yield
    http.sandbox_requests.clear()


def _parse(**fields) -> mpesa_c2b.C2BPayment:
    return mpesa_c2b.c2b_parse(json.dumps(c2b_body("invoice008", amount="10", **fields)).encode())


def test_parse_reads_the_documented_body():
    payment = _parse()
    assert payment.trans_id == "RKTQDM7W6S" and payment.amount == Decimal("10.00")
    assert payment.account_reference == "invoice008" and payment.shortcode == "600638"
    assert payment.paid_at == datetime(2026, 12, 3, 6, 38, 45, tzinfo=EAT)
    assert payment.msisdn == "25470****149" and payment.payer_name == "John Doe"
    assert payment.transaction_type == "Pay Bill" and payment.raw["TransAmount"] == "10"


def test_parse_keeps_the_account_number_as_typed_and_joins_the_names():
    payment = _parse(BillRefNumber="  ab 12cd ", MiddleName="K.", FirstName="Jane")
    assert payment.account_reference == "  ab 12cd " and payment.payer_name == "Jane K. Doe"


@pytest.mark.parametrize("amount, expected", [("10", "10.00"), ("10.00", "10.00"), ("2500.5", "2500.50"),
                                              (10, "10.00")])
def test_parse_reads_trans_amount_as_a_string_or_a_number(amount, expected):
    assert _parse(TransAmount=amount).amount == Decimal(expected)


@pytest.mark.parametrize("body", [
    b"<xml/>", b"[]", b"", json.dumps(c2b_body("A")).encode()[:-1],
    json.dumps({k: v for k, v in c2b_body("A").items() if k != "TransID"}).encode(),
    json.dumps({k: v for k, v in c2b_body("A").items() if k != "BillRefNumber"}).encode(),
    json.dumps({k: v for k, v in c2b_body("A").items() if k != "TransAmount"}).encode(),
    json.dumps(c2b_body("A", trans_id="RKT QDM'--")).encode(),
    json.dumps(c2b_body("A", amount="abc")).encode(), json.dumps(c2b_body("A", amount="NaN")).encode(),
    json.dumps(c2b_body("A", amount="Infinity")).encode(), json.dumps(c2b_body("A", amount="0")).encode(),
    json.dumps(c2b_body("A", amount="-5")).encode(), json.dumps(c2b_body("A", amount="10.005")).encode(),
    json.dumps(c2b_body("A", amount="1e12")).encode(), json.dumps(c2b_body("A", amount=True)).encode(),
    json.dumps(c2b_body("A", TransTime="2026-12-03 06:38")).encode(),
])
def test_parse_refuses_what_is_not_a_c2b_body(body):
    with pytest.raises(CallbackInvalid):
        mpesa_c2b.c2b_parse(body)


def test_replies_are_darajas_exact_formats():
    assert mpesa_c2b.validation_accept() == {"ResultCode": "0", "ResultDesc": "Accepted"}
    assert mpesa_c2b.validation_reject(mpesa_c2b.INVALID_ACCOUNT) == {"ResultCode": "C2B00012",
                                                                       "ResultDesc": "Rejected"}
    assert mpesa_c2b.validation_reject(mpesa_c2b.INVALID_AMOUNT) == {"ResultCode": "C2B00013",
                                                                      "ResultDesc": "Rejected"}
    assert mpesa_c2b.CONFIRMATION_ACK == {"ResultCode": 0, "ResultDesc": "Success"}


def test_register_urls_sends_the_documented_request():
    confirmation = "https://api.example.com/payments/callbacks/paybill/t/confirmation/"
    validation = "https://api.example.com/payments/callbacks/paybill/t/validation/"
    answer = mpesa_c2b.register_urls(mpesa.MpesaConfig(), shortcode="600984", confirmation_url=confirmation,
                                     validation_url=validation)
    token_request, register = http.sandbox_requests
    assert token_request["url"].endswith("/oauth/v1/generate?grant_type=client_credentials")
    assert register["method"] == "POST"
    assert register["url"] == "https://sandbox.safaricom.co.ke/mpesa/c2b/v2/registerurl"
    assert register["headers"]["authorization"].startswith("Bearer ")
    assert register["body"] == {"ShortCode": "600984", "ResponseType": "Completed", "ConfirmationURL": confirmation,
                                "ValidationURL": validation}
    assert answer["ResponseCode"] == "0" and answer["ResponseDescription"] == "success"
    assert "OriginatorCoversationID" in answer


@pytest.mark.parametrize("url", ["https://api.example.com/payments/callbacks/mpesa/t/",
                                 "https://MPESA.example.com/c2b/", "https://api.example.com/cmd/",
                                 "ftp://api.example.com/c2b/"])
def test_register_urls_refuses_urls_daraja_would_refuse_before_calling_it(url):
    with pytest.raises(ValueError):
        mpesa_c2b.register_urls(mpesa.MpesaConfig(), shortcode="600984", confirmation_url=url,
                                validation_url="https://api.example.com/c2b/validation/")
    assert http.sandbox_requests == []


def test_register_urls_refuses_a_response_type_not_in_sentence_case():
    with pytest.raises(ValueError):
        mpesa_c2b.register_urls(mpesa.MpesaConfig(), shortcode="600984", response_type="completed",
                                confirmation_url="https://a.example/c", validation_url="https://a.example/v")


def test_register_urls_raises_when_daraja_refuses():
    def daraja(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/v1/generate":
            return httpx.Response(200, json={"access_token": "t", "expires_in": "3599"})
        return httpx.Response(400, json={"requestId": "1", "errorCode": "400.002.02",
                                         "errorMessage": "Bad Request - Invalid ShortCode"})

    client = httpx.Client(base_url="https://daraja.test", transport=httpx.MockTransport(daraja))
    with pytest.raises(ProviderError) as refused:
        mpesa_c2b.register_urls(mpesa.MpesaConfig(base_url="https://daraja.test", consumer_key="other"),
                                shortcode="600984", confirmation_url="https://a.example/c",
                                validation_url="https://a.example/v", client=client)
    assert refused.value.code == "400.002.02" and "Invalid ShortCode" in str(refused.value)


def test_sandbox_body_is_a_c2b_body_with_string_values():
    body = json.loads(mpesa_c2b.sandbox_payment_body(account_number="ab12cd", amount=Decimal("1500.00"),
                                                     shortcode="600984", trans_id="SBX0000001"))
    assert set(body) == set(c2b_body("x"))
    assert body["TransAmount"] == "1500" and body["TransID"] == "SBX0000001" and body["BillRefNumber"] == "ab12cd"
    assert body["MSISDN"] == "25470****149" and len(body["TransTime"]) == 14
    assert all(isinstance(value, str) for value in body.values())
    payment = mpesa_c2b.c2b_parse(json.dumps(body).encode())
    assert payment.amount == Decimal("1500.00") and payment.account_reference == "ab12cd"


def test_register_command_registers_this_api_s_paybill_urls(db, settings, capsys):
    settings.PUBLIC_BASE_URL = "https://api.example.com"
    call_command("paybill_register_urls", "--shortcode", "600984")
    register = http.sandbox_requests[-1]
    assert register["url"].endswith("/mpesa/c2b/v2/registerurl")
    assert register["body"] == {
        "ShortCode": "600984", "ResponseType": "Completed",
        "ConfirmationURL": f"https://api.example.com/payments/callbacks/paybill/{TOKEN}/confirmation/",
        "ValidationURL": f"https://api.example.com/payments/callbacks/paybill/{TOKEN}/validation/"}
    assert "Registered with M-Pesa" in capsys.readouterr().out


def test_register_command_refuses_a_host_daraja_would_refuse(db, settings):
    settings.PUBLIC_BASE_URL = "https://mpesa-callbacks.example.com"
    with pytest.raises(CommandError, match="mpesa"):
        call_command("paybill_register_urls")
    assert http.sandbox_requests == []
