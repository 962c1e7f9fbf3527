"""Refund requests in each provider's own wire format, answered by its offline sandbox and recorded
as sent: M-Pesa's Reversal, Airtel's refund, MTN's Disbursement refund and Cybersource's REST
refund (its HTTP Signature computed here independently of the adapter)."""
import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from payments import http
from payments.providers import cybersource, cybersource_rest, mpesa, mpesa_reversal, mtn
from payments.providers.base import ProviderError, PushRequest, RefundRequest, ResultStatus
from payments.providers.refunds import refunder

DARAJA = "https://sandbox.safaricom.co.ke"
RESULT_URL = "https://api.example.com/payments/callbacks/mpesa/reversal/secret/result/"
TIMEOUT_URL = "https://api.example.com/payments/callbacks/mpesa/reversal/secret/timeout/"


@pytest.fixture(autouse=True)
def _recorded(db):
    http.sandbox_requests.clear()
    yield
    http.sandbox_requests.clear()


def _sent(path_part: str, method: str = "POST") -> list[dict]:
    return [r for r in http.sandbox_requests if path_part in r["url"] and r["method"] == method]


def _request(**fields) -> RefundRequest:
    values = {"reference": str(uuid.uuid4()), "payment_reference": "NLJ7RT61SV", "payment_amount": Decimal("9000"),
              "amount": Decimal("9000"), "currency": "KES", "order_number": "4XS6XY", "result_url": RESULT_URL,
              "timeout_url": TIMEOUT_URL}
    return RefundRequest(**{**values, **fields})


# --- M-Pesa: Daraja's Reversal ----------------------------------------------------------------------

def test_mpesa_reversal_sends_every_documented_field_and_waits_for_the_result():
    started = mpesa_reversal.reverse(mpesa_reversal.ReversalConfig(), _request())
    [sent] = _sent("/mpesa/reversal/v1/request")
    assert sent["url"] == f"{DARAJA}/mpesa/reversal/v1/request"
    assert sent["headers"]["authorization"].startswith("Bearer ")
    assert sent["body"] == {
        "Initiator": "testapi", "SecurityCredential": "sandbox-security-credential",
        "CommandID": "TransactionReversal", "TransactionID": "NLJ7RT61SV", "Amount": 9000,
        "ReceiverParty": "174379", "RecieverIdentifierType": "11", "ResultURL": RESULT_URL,
        "QueueTimeOutURL": TIMEOUT_URL, "Remarks": "Refund of order 4XS6XY", "Occasion": "4XS6XY"}
    assert started.status == ResultStatus.PENDING and started.provider_reference.startswith("AG_")


def test_mpesa_reversal_result_reads_daraja_documented_success_and_failure():
    # Daraja's Result as its documentation shows it (written here, not by the adapter).
    success = {"Result": {
        "ResultType": 0, "ResultCode": 0, "ResultDesc": "The service request is processed successfully.",
        "OriginatorConversationID": "8521-4298025-1", "ConversationID": "AG_20181005_00004d7ee675c0c7ee0b",
        "TransactionID": "MJ561H6X5O", "ResultParameters": {"ResultParameter": [
            {"Key": "DebitAccountBalance", "Value": "Utility Account|KES|51661.00|51661.00|0.00|0.00"},
            {"Key": "Amount", "Value": "100"}, {"Key": "TransCompletedTime", "Value": "20181005153225"},
            {"Key": "OriginalTransactionID", "Value": "MJ551H6X5D"}, {"Key": "Charge", "Value": "0"}]},
        "ReferenceData": {"ReferenceItem": {"Key": "QueueTimeoutURL", "Value": "https://internalsandbox"}}}}
    done = mpesa_reversal.result_parse(json.dumps(success).encode())
    assert (done.status, done.provider_reference, done.receipt) == (
        ResultStatus.SUCCEEDED, "AG_20181005_00004d7ee675c0c7ee0b", "MJ561H6X5O")
    refused = {"Result": {"ResultType": 0, "ResultCode": "R000001",
                          "ResultDesc": "The transaction has already been reversed.",
                          "OriginatorConversationID": "8521-4298025-1", "ConversationID": "AG_1"}}
    failed = mpesa_reversal.result_parse(json.dumps(refused).encode())
    assert failed.status == ResultStatus.FAILED and "already been reversed" in failed.description
    timeout = mpesa_reversal.result_parse(json.dumps(refused).encode(), timed_out=True)
    assert timeout.status == ResultStatus.FAILED and "timed out" in timeout.description


def test_mpesa_sandbox_refuses_a_reversal_of_another_amount_than_its_receipt_carried():
    mpesa.sandbox_callback("ws_CO_1", amount=Decimal("9000"), receipt="SBX0000001")
    with pytest.raises(ProviderError) as refused:
        mpesa_reversal.reverse(mpesa_reversal.ReversalConfig(),
                               _request(payment_reference="SBX0000001", payment_amount=Decimal("8000"),
                                        amount=Decimal("8000")))
    assert refused.value.code == "400.002.02" and "Invalid Amount" in str(refused.value)
    assert not refused.value.retryable


def test_mpesa_sandbox_result_says_already_reversed_for_a_receipt_reversed_twice():
    first = mpesa_reversal.reverse(mpesa_reversal.ReversalConfig(), _request())
    second = mpesa_reversal.reverse(mpesa_reversal.ReversalConfig(), _request())
    assert mpesa_reversal.result_parse(mpesa_reversal.sandbox_result(first.provider_reference)).status == "succeeded"
    again = mpesa_reversal.result_parse(mpesa_reversal.sandbox_result(second.provider_reference))
    assert again.status == ResultStatus.FAILED and "R000001" in again.description


def test_mpesa_reverses_whole_payments_only_and_sends_nothing_otherwise():
    with pytest.raises(ProviderError) as refused:
        mpesa_reversal.reverse(mpesa_reversal.ReversalConfig(), _request(amount=Decimal("4000")))
    assert refused.value.code == "mpesa_partial_reversal" and http.sandbox_requests == []


# --- Airtel Money: refund by airtel_money_id ---------------------------------------------------------

def test_airtel_refund_is_sent_to_the_payments_country_and_refused_the_second_time():
    airtel_refunds = refunder("airtel")
    done = airtel_refunds.refund(_request(currency="UGX", payment_reference="MP210603.1234.L06941",
                                          payment_amount=Decimal("50000"), amount=Decimal("50000")))
    [sent] = _sent("/standard/v1/payments/refund")
    assert sent["body"] == {"transaction": {"airtel_money_id": "MP210603.1234.L06941"}}
    assert (sent["headers"]["x-country"], sent["headers"]["x-currency"]) == ("UG", "UGX")
    assert done.status == ResultStatus.SUCCEEDED and done.receipt == "MP210603.1234.L06941"
    with pytest.raises(ProviderError) as refused:
        airtel_refunds.refund(_request(currency="UGX", payment_reference="MP210603.1234.L06941",
                                       payment_amount=Decimal("50000"), amount=Decimal("50000")))
    assert refused.value.code == "airtel_refused" and "already refunded" in str(refused.value)


def test_airtel_refunds_whole_payments_only():
    with pytest.raises(ProviderError) as refused:
        refunder("airtel").refund(_request(amount=Decimal("100"), payment_reference="MP1"))
    assert refused.value.code == "airtel_partial_refund" and http.sandbox_requests == []


# --- MTN MoMo: Disbursement refund --------------------------------------------------------------------

@pytest.fixture
def collection(settings) -> str:
    """A request to pay of 100000 UGX that the Collection sandbox says was paid."""
    reference = str(uuid.uuid4())
    mtn.request_to_pay(mtn.mtn_config_from_settings(), PushRequest(
        reference=reference, order_number="4XS6XY", amount=Decimal("100000"), currency="UGX",
        phone="+256772123456", callback_url=""))
    http.sandbox_requests.clear()
    return reference


def test_mtn_refund_goes_through_the_disbursement_product_then_its_status(collection, settings):
    settings.MTN_DISBURSEMENT_SUBSCRIPTION_KEY, settings.MTN_DISBURSEMENT_API_USER = "disb-key", str(uuid.uuid4())
    settings.MTN_DISBURSEMENT_API_KEY = "disb-secret"
    request = _request(currency="UGX", collection_reference=collection, payment_reference="1234567890",
                       payment_amount=Decimal("100000"), amount=Decimal("30000"))
    done = refunder("mtn").refund(request)
    [token] = _sent("/disbursement/token/")
    basic = base64.b64encode(f"{settings.MTN_DISBURSEMENT_API_USER}:disb-secret".encode()).decode()
    assert token["headers"]["authorization"] == f"Basic {basic}"
    assert token["headers"]["ocp-apim-subscription-key"] == "disb-key"
    [sent] = _sent("/disbursement/v1_0/refund")
    assert sent["url"] == "https://sandbox.momodeveloper.mtn.com/disbursement/v1_0/refund"
    assert sent["headers"]["x-reference-id"] == request.reference
    assert sent["headers"]["x-target-environment"] == "sandbox"
    assert sent["headers"]["ocp-apim-subscription-key"] == "disb-key"
    assert sent["body"] == {"amount": "30000", "currency": "UGX", "externalId": "4XS6XY",
                            "payerMessage": "Refund of order 4XS6XY", "payeeNote": "Mookh refund for order 4XS6XY",
                            "referenceIdToRefund": collection}
    [status] = _sent(f"/disbursement/v1_0/refund/{request.reference}", "GET")
    assert status["headers"]["authorization"].startswith("Bearer ")
    assert done.status == ResultStatus.SUCCEEDED and done.provider_reference == request.reference and done.receipt


def test_mtn_refund_of_more_than_the_collection_has_left_fails_and_a_resent_reference_is_not_sent_twice(
        collection):
    request = _request(currency="UGX", collection_reference=collection, payment_amount=Decimal("100000"),
                       amount=Decimal("80000"))
    assert refunder("mtn").refund(request).status == ResultStatus.SUCCEEDED
    again = refunder("mtn").refund(request)  # the same X-Reference-Id: MTN answers 409, the status says how
    assert again.status == ResultStatus.SUCCEEDED
    more = refunder("mtn").refund(_request(currency="UGX", collection_reference=collection,
                                           payment_amount=Decimal("100000"), amount=Decimal("30000")))
    assert more.status == ResultStatus.FAILED and more.description == "NOT_ALLOWED"


def test_mtn_refund_of_an_unknown_collection_is_refused():
    with pytest.raises(ProviderError) as refused:
        refunder("mtn").refund(_request(currency="UGX", collection_reference=str(uuid.uuid4())))
    assert refused.value.code == "mtn_resource_not_found" and not refused.value.retryable


# --- Cybersource: REST refund with HTTP Signature -----------------------------------------------------

SECRET = base64.b64encode(b"a-shared-secret-for-this-test-only").decode()
REST = cybersource_rest.RestConfig(merchant_id="testrest", key_id="08c94330-f618-42a3-b09d-e1e43be5efda",
                                   shared_secret=SECRET, host="apitest.cybersource.com")


def test_cybersource_signature_matches_one_computed_independently():
    body = b'{"clientReferenceInformation":{"code":"4XS6XY"},"orderInformation":{"amountDetails":' \
           b'{"totalAmount":"10.00","currency":"KES"}}}'
    path = "/pts/v2/payments/7371234567890123456789/refunds"
    headers = cybersource_rest.signed_headers(REST, method="POST", path=path, body=body,
                                              now=datetime(2030, 1, 15, 9, 31, 12, tzinfo=UTC))
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    text = ("host: apitest.cybersource.com\n"
            "date: Tue, 15 Jan 2030 09:31:12 GMT\n"
            f"request-target: post {path}\n"
            f"digest: {digest}\n"
            "v-c-merchant-id: testrest")
    expected = base64.b64encode(hmac.new(base64.b64decode(SECRET), text.encode(), hashlib.sha256).digest()).decode()
    assert headers["Date"] == "Tue, 15 Jan 2030 09:31:12 GMT" and headers["Digest"] == digest
    assert headers["v-c-merchant-id"] == "testrest" and headers["Host"] == "apitest.cybersource.com"
    assert headers["Signature"] == (f'keyid="08c94330-f618-42a3-b09d-e1e43be5efda", algorithm="HmacSHA256", '
                                    f'headers="host date request-target digest v-c-merchant-id", '
                                    f'signature="{expected}"')


@pytest.fixture
def captured() -> str:
    """A card sale of 9000.00 KES the sandbox gateway accepted: its transaction id."""
    config = cybersource.CybersourceConfig(profile_id=cybersource.SANDBOX_PROFILE_ID,
                                           access_key=cybersource.SANDBOX_ACCESS_KEY,
                                           secret_key=cybersource.SANDBOX_SECRET_KEY)
    form = cybersource.checkout_form(config, transaction_uuid=uuid.uuid4().hex, reference_number="4XS6XY",
                                     amount=Decimal("9000.00"), currency="KES")
    return cybersource.sandbox_receipt(config, form_fields=form["fields"])["transaction_id"]


def test_cybersource_refund_is_signed_and_posted_to_the_payment(captured):
    done = cybersource_rest.refund(REST, _request(payment_reference=captured, amount=Decimal("2500.50")))
    [sent] = _sent(f"/pts/v2/payments/{captured}/refunds")
    assert sent["url"] == f"https://apitest.cybersource.com/pts/v2/payments/{captured}/refunds"
    assert sent["body"] == {"clientReferenceInformation": {"code": "4XS6XY"},
                            "orderInformation": {"amountDetails": {"totalAmount": "2500.50", "currency": "KES"}}}
    assert sent["headers"]["digest"].startswith("SHA-256=") and 'algorithm="HmacSHA256"' in sent["headers"]["signature"]
    assert done.status == ResultStatus.SUCCEEDED and done.provider_reference and done.raw["status"] == "PENDING"


def test_cybersource_sandbox_refuses_a_wrong_signature_and_more_than_was_captured(captured):
    forged = cybersource_rest.RestConfig(merchant_id="testrest", key_id=REST.key_id, host=REST.host,
                                         shared_secret=base64.b64encode(b"not-the-key").decode())
    handler = cybersource_rest.sandbox_handler(REST)
    with pytest.raises(ProviderError) as unsigned:
        cybersource_rest.refund(forged, _request(payment_reference=captured),
                                client=http.provider_client(base_url="https://apitest.cybersource.com",
                                                            sandbox_handler=handler))
    assert unsigned.value.code == "cybersource_authentication_failed"
    with pytest.raises(ProviderError) as above:
        cybersource_rest.refund(REST, _request(payment_reference=captured, amount=Decimal("9000.01")))
    assert above.value.code == "cybersource_invalid_amount"
    with pytest.raises(ProviderError) as unknown:
        cybersource_rest.refund(REST, _request(payment_reference="1234"))
    assert unknown.value.code == "cybersource_not_found"
