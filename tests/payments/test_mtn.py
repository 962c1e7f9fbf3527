"""The MoMo Collection adapter speaks payments.md §4 exactly, against the offline sandbox."""
import base64
import json
import uuid
from decimal import Decimal

import httpx
import pytest

from payments import http
from payments.providers import mtn
from payments.providers.base import CallbackInvalid, ProviderError, PushRequest, ResultStatus

API_USER = "0efc4721-b2ec-409c-bcd4-429b4cb8e8e5"
API_KEY = "78da1ff701e141d9f5b55f321f122ca7"
CALLBACK_URL = "https://shop.example/payments/callbacks/mtn/"


@pytest.fixture(autouse=True)
def _recorded(monkeypatch):
    monkeypatch.setattr(http, "RETRY_BACKOFF_SECONDS", 0)
    http.sandbox_requests.clear()
    yield
    http.sandbox_requests.clear()


@pytest.fixture
def config():
    return mtn.MtnConfig(base_url="https://sandbox.momodeveloper.mtn.com", subscription_key="sub-key-1",
                         api_user=API_USER, api_key=API_KEY, target_environment="sandbox", sandbox=True)


def _request(reference=None, *, phone="+256772123456", order_number="ORD12345", amount=Decimal("5000")):
    return PushRequest(reference=reference or str(uuid.uuid4()), order_number=order_number, amount=amount,
                       currency="UGX", phone=phone, callback_url=CALLBACK_URL)


def _client(config, handler):
    return http.provider_client(base_url=config.base_url, sandbox_handler=handler)


def _requests_to(path):
    return [request for request in http.sandbox_requests if httpx.URL(request["url"]).path == path]


def test_token_request_carries_the_documented_basic_header_and_no_body(config):
    mtn.request_to_pay(config, _request())
    (token_request,) = _requests_to("/collection/token/")
    expected = "Basic " + base64.b64encode(f"{API_USER}:{API_KEY}".encode()).decode()
    assert token_request["method"] == "POST"
    assert token_request["headers"]["authorization"] == expected == (
        "Basic MGVmYzQ3MjEtYjJlYy00MDljLWJjZDQtNDI5YjRjYjhlOGU1Ojc4ZGExZmY3MDFlMTQxZDlmNWI1NWYzMjFmMTIyY2E3")
    assert token_request["headers"]["ocp-apim-subscription-key"] == "sub-key-1"
    assert token_request["body"] is None


def test_request_to_pay_sends_the_documented_request(config):
    reference = str(uuid.uuid4())
    started = mtn.request_to_pay(config, _request(reference))
    (push,) = _requests_to("/collection/v1_0/requesttopay")
    assert push["method"] == "POST"
    assert push["url"] == "https://sandbox.momodeveloper.mtn.com/collection/v1_0/requesttopay"
    headers = push["headers"]
    assert headers["authorization"].startswith("Bearer ") and len(headers["authorization"]) > len("Bearer ")
    assert headers["x-reference-id"] == reference
    assert headers["x-target-environment"] == "sandbox"
    assert headers["ocp-apim-subscription-key"] == "sub-key-1"
    assert headers["content-type"] == "application/json"
    assert headers["x-callback-url"] == CALLBACK_URL
    assert push["body"] == {
        "amount": "5000", "currency": "UGX", "externalId": "ORD12345",
        "payer": {"partyIdType": "MSISDN", "partyId": "256772123456"},
        "payerMessage": "Tickets ORD12345", "payeeNote": "Mookh order ORD12345"}
    assert started.provider_reference == reference


def test_request_to_pay_keeps_messages_within_mtn_rules_when_the_order_number_would_break_them(config):
    mtn.request_to_pay(config, _request(order_number="O'Neil-" + "9" * 200))
    body = _requests_to("/collection/v1_0/requesttopay")[0]["body"]
    for text in (body["payerMessage"], body["payeeNote"]):
        assert len(text) <= 160 and "'" not in text


def test_request_to_pay_sends_whole_units_when_the_amount_has_zero_cents(config):
    mtn.request_to_pay(config, _request(amount=Decimal("5000.00")))
    assert _requests_to("/collection/v1_0/requesttopay")[0]["body"]["amount"] == "5000"


@pytest.mark.parametrize("fields", [
    {"amount": Decimal("5000.50")}, {"amount": Decimal("0")}, {"phone": "0772123456x"}, {"reference": "r-1"},
    {"reference": str(uuid.uuid1())},
])
def test_request_to_pay_refuses_a_request_when_mtn_could_not_take_it(config, fields):
    with pytest.raises(ValueError):
        mtn.request_to_pay(config, _request(**fields))
    assert http.sandbox_requests == []


def test_token_is_fetched_once_when_two_pushes_follow(config):
    mtn.request_to_pay(config, _request())
    mtn.request_to_pay(config, _request())
    assert len(_requests_to("/collection/token/")) == 1
    assert len(_requests_to("/collection/v1_0/requesttopay")) == 2


def test_token_is_cached_per_api_user_when_two_users_share_a_host(config):
    other = mtn.MtnConfig(**{**config.__dict__, "api_user": str(uuid.uuid4())})
    mtn.request_to_pay(config, _request())
    mtn.request_to_pay(other, _request())
    assert len(_requests_to("/collection/token/")) == 2


def test_request_to_pay_counts_a_reused_reference_as_started(config):
    reference = str(uuid.uuid4())
    first = mtn.request_to_pay(config, _request(reference))
    again = mtn.request_to_pay(config, _request(reference))
    assert first.provider_reference == again.provider_reference == reference
    assert again.raw["code"] == "RESOURCE_ALREADY_EXIST"


def test_request_to_pay_is_started_when_the_first_answer_was_lost(config):
    sandbox = mtn.sandbox_handler(config)
    pushes = []

    def lose_first_answer(request):
        response = sandbox(request)
        if request.url.path.endswith("/requesttopay"):
            pushes.append(response.status_code)
            if len(pushes) == 1:
                return httpx.Response(504)
        return response

    started = mtn.request_to_pay(config, _request(), client=_client(config, lose_first_answer))
    assert pushes == [202, 409]
    assert started.raw["code"] == "RESOURCE_ALREADY_EXIST"


def test_request_to_pay_raises_a_retryable_error_when_mtn_stays_unavailable(config):
    sandbox = mtn.sandbox_handler(config)

    def unavailable(request):
        if request.url.path.endswith("/requesttopay"):
            return httpx.Response(503, json={"code": "SERVICE_UNAVAILABLE", "message": "Down."})
        return sandbox(request)

    with pytest.raises(ProviderError) as error:
        mtn.request_to_pay(config, _request(), client=_client(config, unavailable))
    assert error.value.retryable and error.value.code == "mtn_service_unavailable"


def test_request_to_pay_raises_a_retryable_error_when_mtn_is_unreachable(config):
    def unreachable(request):
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(ProviderError) as error:
        mtn.request_to_pay(config, _request(), client=_client(config, unreachable))
    assert error.value.retryable


def test_request_to_pay_raises_a_final_error_when_mtn_refuses_the_request(config):
    sandbox = mtn.sandbox_handler(config)

    def refuse(request):
        if request.url.path.endswith("/requesttopay"):
            return httpx.Response(400, json={"code": "INVALID_CALLBACK_URL_HOST", "message": "Callback host."})
        return sandbox(request)

    with pytest.raises(ProviderError) as error:
        mtn.request_to_pay(config, _request(), client=_client(config, refuse))
    assert not error.value.retryable and error.value.code == "mtn_invalid_callback_url_host"


def test_request_to_pay_fetches_a_new_token_when_mtn_rejects_the_cached_one(config):
    sandbox = mtn.sandbox_handler(config)
    rejected = []

    def reject_first_token(request):
        if request.url.path.endswith("/requesttopay") and not rejected:
            rejected.append(request.headers["authorization"])
            return httpx.Response(401, json={"code": "UNAUTHORIZED", "message": "Expired."})
        return sandbox(request)

    client = _client(config, reject_first_token)
    mtn.request_to_pay(config, _request(), client=client)
    assert len(_requests_to("/collection/token/")) == 2
    assert _requests_to("/collection/v1_0/requesttopay")[-1]["headers"]["authorization"] != rejected[0]


def test_token_failure_raises_a_provider_error_when_the_api_key_is_wrong(config):
    wrong = mtn.MtnConfig(**{**config.__dict__, "api_key": "wrong"})
    with pytest.raises(ProviderError) as error:
        mtn.request_to_pay(wrong, _request(), client=_client(wrong, mtn.sandbox_handler(config)))
    assert not error.value.retryable
    assert _requests_to("/collection/v1_0/requesttopay") == []


def test_status_reads_a_successful_payment(config):
    reference = str(uuid.uuid4())
    mtn.request_to_pay(config, _request(reference))
    result = mtn.status(config, reference)
    query = http.sandbox_requests[-1]
    assert query["method"] == "GET"
    assert query["url"] == f"https://sandbox.momodeveloper.mtn.com/collection/v1_0/requesttopay/{reference}"
    assert query["headers"]["x-target-environment"] == "sandbox"
    assert query["headers"]["ocp-apim-subscription-key"] == "sub-key-1"
    assert result.status == ResultStatus.SUCCEEDED
    assert result.provider_reference == reference
    assert (result.amount, result.currency) == (Decimal("5000"), "UGX")
    assert result.receipt and result.receipt == result.raw["financialTransactionId"]


@pytest.mark.parametrize(("payer", "reason"), [
    ("+46733123450", "INTERNAL_PROCESSING_ERROR"),
    ("+46733123451", "APPROVAL_REJECTED"),
    ("+46733123452", "EXPIRED"),
    ("+46733123455", "PAYER_NOT_FOUND"),
    ("+46733123456", "PAYEE_NOT_ALLOWED_TO_RECEIVE"),
    ("+46733123460", "INVALID_CURRENCY"),
    ("+46733123463", "COULD_NOT_PERFORM_TRANSACTION"),
])
def test_status_fails_with_the_reason_when_the_payer_is_a_magic_number(config, payer, reason):
    reference = str(uuid.uuid4())
    mtn.request_to_pay(config, _request(reference, phone=payer))
    result = mtn.status(config, reference)
    assert (result.status, result.description, result.receipt) == (ResultStatus.FAILED, reason, None)


def test_status_stays_pending_when_the_payment_is_ongoing(config):
    reference = str(uuid.uuid4())
    mtn.request_to_pay(config, _request(reference, phone="+46733123453"))
    assert [mtn.status(config, reference).status for _ in range(3)] == [ResultStatus.PENDING] * 3


def test_status_succeeds_after_pending_when_the_payment_is_delayed(config):
    reference = str(uuid.uuid4())
    mtn.request_to_pay(config, _request(reference, phone="+46733123454"))
    assert [mtn.status(config, reference).status for _ in range(2)] == [ResultStatus.PENDING, ResultStatus.SUCCEEDED]


def test_status_reads_failed_when_mtn_never_registered_the_request(config):
    result = mtn.status(config, str(uuid.uuid4()))
    assert (result.status, result.description) == (ResultStatus.FAILED, "not found")


@pytest.mark.parametrize(("reason", "description"), [
    ("APPROVAL_REJECTED", "APPROVAL_REJECTED"),
    ({"code": "APPROVAL_REJECTED", "message": "Payer rejected."}, "APPROVAL_REJECTED: Payer rejected."),
])
def test_status_reads_the_reason_when_it_is_a_string_or_an_object(config, reason, description):
    sandbox = mtn.sandbox_handler(config)

    def failed(request):
        if request.method == "GET":
            return httpx.Response(200, json={"amount": "5000", "currency": "UGX", "externalId": "ORD12345",
                                             "status": "FAILED", "reason": reason})
        return sandbox(request)

    result = mtn.status(config, str(uuid.uuid4()), client=_client(config, failed))
    assert (result.status, result.description) == (ResultStatus.FAILED, description)


def test_status_raises_a_retryable_error_when_the_answer_is_unreadable(config):
    sandbox = mtn.sandbox_handler(config)

    def garbled(request):
        return httpx.Response(200, text="<html>") if request.method == "GET" else sandbox(request)

    with pytest.raises(ProviderError) as error:
        mtn.status(config, str(uuid.uuid4()), client=_client(config, garbled))
    assert error.value.retryable


def test_callback_parse_reads_the_sandbox_success_callback(config):
    reference = str(uuid.uuid4())
    mtn.request_to_pay(config, _request(reference))
    body = mtn.sandbox_callback(reference, amount=Decimal("5000"), currency="UGX", payer="+256772123456")
    data = json.loads(body)
    assert data["payer"] == {"partyIdType": "MSISDN", "partyId": "256772123456"}
    assert (data["amount"], data["externalId"], data["status"]) == ("5000", "ORD12345", "SUCCESSFUL")
    result = mtn.callback_parse(body, reference=reference)
    assert (result.status, result.amount, result.currency) == (ResultStatus.SUCCEEDED, Decimal("5000"), "UGX")
    assert result.receipt == mtn.status(config, reference).receipt


def test_callback_parse_reads_a_failure_callback():
    reference = str(uuid.uuid4())
    body = mtn.sandbox_callback(reference, status="FAILED", reason="APPROVAL_REJECTED", amount=Decimal("5000"),
                                currency="UGX", payer="+256772123456")
    result = mtn.callback_parse(body, reference=reference)
    assert (result.status, result.description, result.receipt) == (ResultStatus.FAILED, "APPROVAL_REJECTED", None)


def test_callback_parse_takes_the_reference_from_the_body_when_none_is_given():
    reference = str(uuid.uuid4())
    body = json.dumps({"referenceId": reference, "status": "PENDING"}).encode()
    assert mtn.callback_parse(body).provider_reference == reference


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b'{"amount": "5000"}', b'{"status": "MAYBE"}',
    b'{"status": "SUCCESSFUL", "amount": "5000", "currency": "UGX"}',
    b'{"status": "SUCCESSFUL", "amount": "lots", "currency": "UGX", "financialTransactionId": "1"}',
])
def test_callback_parse_rejects_a_malformed_body(body):
    with pytest.raises(CallbackInvalid):
        mtn.callback_parse(body, reference=str(uuid.uuid4()))


@pytest.mark.parametrize("reference", [None, "not-a-uuid"])
def test_callback_parse_rejects_a_callback_when_no_attempt_is_named(reference):
    with pytest.raises(CallbackInvalid):
        mtn.callback_parse(b'{"status": "SUCCESSFUL"}', reference=reference)


def test_config_from_settings_reads_the_collection_product(settings):
    settings.MTN_SUBSCRIPTION_KEY, settings.MTN_API_USER, settings.MTN_API_KEY = "sub", API_USER, API_KEY
    settings.MTN_BASE_URL, settings.MTN_TARGET_ENVIRONMENT = "https://proxy.momoapi.mtn.com", "mtnuganda"
    settings.PAYMENTS_MODE = "live"
    assert mtn.mtn_config_from_settings() == mtn.MtnConfig(
        base_url="https://proxy.momoapi.mtn.com", subscription_key="sub", api_user=API_USER, api_key=API_KEY,
        target_environment="mtnuganda", sandbox=False)


def test_config_from_settings_refuses_live_mode_when_credentials_are_missing(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PAYMENTS_MODE, settings.MTN_API_KEY = "live", ""
    with pytest.raises(ImproperlyConfigured):
        mtn.mtn_config_from_settings()


def test_config_from_settings_runs_the_offline_sandbox_by_default(settings):
    settings.PAYMENTS_MODE = "sandbox"
    config = mtn.mtn_config_from_settings()
    assert config.sandbox and config.target_environment == "sandbox"
    reference = str(uuid.uuid4())
    mtn.request_to_pay(config, _request(reference))
    assert mtn.status(config, reference).status == ResultStatus.SUCCEEDED
