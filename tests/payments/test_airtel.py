"""The Airtel Money adapter speaks payments.md §3 exactly; hashes are computed here independently."""
import base64
import hashlib
import hmac
import json
import re
from decimal import Decimal

import httpx
import pytest

from payments import http
from payments.providers import airtel
from payments.providers.base import (
    CallbackInvalid, CallbackUnauthenticated, ProviderError, PushRequest, PushStarted, ResultStatus,
)

UAT = "https://openapiuat.airtel.africa"
KEY = "airtel-callback-private-key"


@pytest.fixture(autouse=True)
def _recorded():
    http.sandbox_requests.clear()
    yield
    http.sandbox_requests.clear()


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch):
    monkeypatch.setattr(http, "RETRY_BACKOFF_SECONDS", 0)


def _config(country="KE", **fields):
    return airtel.AirtelConfig(country=country, currency=airtel.CURRENCIES[country], client_id="app-id",
                               client_secret="app-secret", **fields)


def _request(reference="att-1", *, phone="+254733123456", amount="1500.00", currency="KES"):
    return PushRequest(reference=reference, order_number="ORD12345", amount=Decimal(amount), currency=currency,
                       phone=phone, callback_url="https://example.com/payments/callbacks/airtel/")


def _sent(path):
    return [request for request in http.sandbox_requests if request["url"].endswith(path)]


def _client(config, answer):
    """A sandbox answering through `answer(request, forward)`, where `forward()` asks the real
    sandbox: Airtel misbehaving on cue."""
    sandbox = airtel.sandbox_handler(config)
    return http.provider_client(base_url=config.base_url,
                                sandbox_handler=lambda request: answer(request, lambda: sandbox(request)))


def _independent_hash(key: str, transaction_json: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), transaction_json.encode(), hashlib.sha256).digest()).decode()


@pytest.mark.parametrize("country, currency, phone, msisdn", [
    ("KE", "KES", "+254733123456", "733123456"),
    ("UG", "UGX", "+256751234567", "751234567"),
])
def test_push_sends_the_documented_request_when_country_is_kenya_or_uganda(country, currency, phone, msisdn):
    config = _config(country)

    started = airtel.push(config, _request(phone=phone, amount="1500", currency=currency))

    assert started == PushStarted(provider_reference="att-1", raw=started.raw)
    assert started.raw["status"]["success"] is True
    token, push = http.sandbox_requests
    assert (token["method"], token["url"]) == ("POST", f"{UAT}/auth/oauth2/token")
    assert token["body"] == {"client_id": "app-id", "client_secret": "app-secret", "grant_type": "client_credentials"}
    assert (push["method"], push["url"]) == ("POST", f"{UAT}/merchant/v1/payments/")
    assert push["body"] == {
        "reference": "Order ORD12345",
        "subscriber": {"country": country, "currency": currency, "msisdn": msisdn},
        "transaction": {"amount": 1500, "country": country, "currency": currency, "id": "att-1"},
    }
    assert type(push["body"]["transaction"]["amount"]) is int
    headers = push["headers"]
    assert (headers["content-type"], headers["accept"]) == ("application/json", "*/*")
    assert (headers["x-country"], headers["x-currency"]) == (country, currency)
    assert re.fullmatch(r"Bearer \S+", headers["authorization"])


@pytest.mark.parametrize("country, phone, msisdn", [
    ("KE", "+254733123456", "733123456"), ("KE", "254733123456", "733123456"), ("KE", "0733123456", "733123456"),
    ("UG", "+256751234567", "751234567"), ("UG", "0751234567", "751234567"),
])
def test_push_strips_the_country_code_when_msisdn_is_sent(country, phone, msisdn):
    config = _config(country)

    airtel.push(config, _request(phone=phone, currency=config.currency))

    assert _sent("/merchant/v1/payments/")[0]["body"]["subscriber"]["msisdn"] == msisdn


@pytest.mark.parametrize("phone", ["+256751234567", "+25473312345", "not a phone"])
def test_push_sends_nothing_when_phone_is_not_a_number_of_the_country(phone):
    with pytest.raises(ProviderError) as refused:
        airtel.push(_config("KE"), _request(phone=phone))

    assert refused.value.code == "airtel_phone_invalid"
    assert http.sandbox_requests == []


def test_push_sends_nothing_when_currency_is_not_the_countrys():
    with pytest.raises(ProviderError) as refused:
        airtel.push(_config("UG"), _request(phone="+256751234567", currency="KES"))

    assert refused.value.code == "airtel_currency_mismatch"
    assert http.sandbox_requests == []


def test_push_asks_whole_units_rounded_up_when_amount_has_cents():
    airtel.push(_config("KE"), _request(amount="1500.10"))

    assert _sent("/merchant/v1/payments/")[0]["body"]["transaction"]["amount"] == 1501


def test_push_reuses_the_token_when_two_pushes_follow():
    config = _config("KE")

    airtel.push(config, _request("att-1"))
    airtel.push(config, _request("att-2"))

    assert len(_sent("/auth/oauth2/token")) == 1
    first, second = _sent("/merchant/v1/payments/")
    assert first["headers"]["authorization"] == second["headers"]["authorization"]


@pytest.mark.parametrize("expires_in, token_requests", [("180", 1), (180, 1), ("1", 2)])
def test_token_is_reused_only_while_it_lives_when_expires_in_is_a_string(expires_in, token_requests):
    config = _config("KE")

    def answer_expires_in(request, forward):
        if request.url.path.endswith("/auth/oauth2/token"):
            return httpx.Response(200, json={**forward().json(), "expires_in": expires_in})
        return forward()

    with _client(config, answer_expires_in) as client:
        airtel.push(config, _request("att-1"), client=client)
        airtel.push(config, _request("att-2"), client=client)

    assert len(_sent("/auth/oauth2/token")) == token_requests


def test_push_fetches_a_new_token_when_the_cached_one_is_refused():
    config = _config("KE")
    airtel.push(config, _request("att-1"))
    refused = []

    def refuse_first_push(request, forward):
        if request.url.path.endswith("/merchant/v1/payments/") and not refused:
            refused.append(request)
            return httpx.Response(401, json={"error": "invalid_token"})
        return forward()

    with _client(config, refuse_first_push) as client:
        airtel.push(config, _request("att-2"), client=client)

    assert len(_sent("/auth/oauth2/token")) == 2
    assert [push["body"]["transaction"]["id"] for push in _sent("/merchant/v1/payments/")] == [
        "att-1", "att-2", "att-2"]


def test_push_is_refused_when_transaction_id_is_reused():
    config = _config("KE")
    airtel.push(config, _request("att-1"))

    with pytest.raises(ProviderError) as refused:
        airtel.push(config, _request("att-1"))

    assert (refused.value.code, refused.value.retryable) == ("airtel_refused", False)


@pytest.mark.parametrize("failure", [
    httpx.Response(503, json={"status": {"success": False, "message": "Service unavailable"}}),
    httpx.ReadTimeout("read timed out"),
])
def test_push_is_not_repeated_when_airtel_may_have_received_it(failure):
    config = _config("KE")

    def fail_push(request, forward):
        if request.url.path.endswith("/merchant/v1/payments/"):
            if isinstance(failure, Exception):
                raise failure
            return failure
        return forward()

    with _client(config, fail_push) as client, pytest.raises(ProviderError) as unknown:
        airtel.push(config, _request(), client=client)

    assert (unknown.value.code, unknown.value.retryable) == ("airtel_outcome_unknown", True)
    assert len(_sent("/merchant/v1/payments/")) == 1


def test_push_is_sent_again_when_the_connection_never_opened():
    config = _config("KE")
    failures = [httpx.ConnectError("connection refused")]

    def refuse_connection_once(request, forward):
        if request.url.path.endswith("/merchant/v1/payments/") and failures:
            raise failures.pop()
        return forward()

    with _client(config, refuse_connection_once) as client:
        started = airtel.push(config, _request(), client=client)

    assert started.provider_reference == "att-1"
    assert len(_sent("/merchant/v1/payments/")) == 2


@pytest.mark.parametrize("phone, code, expected", [
    ("+254733123456", "TS", ResultStatus.SUCCEEDED),
    ("+254733120001", "TF", ResultStatus.FAILED),
    ("+254733120002", "TA", ResultStatus.PENDING),
    ("+254733120003", "TIP", ResultStatus.PENDING),
])
def test_status_maps_the_enquiry_when_transaction_status_is_given(phone, code, expected):
    config = _config("KE")
    airtel.push(config, _request(phone=phone))

    result = airtel.status(config, "att-1")

    transaction = result.raw["data"]["transaction"]
    assert (result.provider_reference, result.status, transaction["status"]) == ("att-1", expected, code)
    assert (result.amount, result.currency) == (None, None)
    assert result.receipt == (transaction["airtel_money_id"] if code == "TS" else None)
    if code == "TS":
        assert result.receipt
    enquiry = _sent("/standard/v1/payments/att-1")[0]
    assert (enquiry["method"], enquiry["url"]) == ("GET", f"{UAT}/standard/v1/payments/att-1")
    assert (enquiry["headers"]["x-country"], enquiry["headers"]["x-currency"]) == ("KE", "KES")
    assert (enquiry["headers"]["accept"], enquiry["headers"]["authorization"][:7]) == ("*/*", "Bearer ")


def test_status_keeps_answering_pending_when_the_transaction_stays_in_progress():
    config = _config("UG")
    airtel.push(config, _request(phone="+256751230003", currency="UGX"))

    assert {airtel.status(config, "att-1").status for _ in range(3)} == {ResultStatus.PENDING}


def test_status_is_succeeded_when_the_documented_sample_says_ts_with_success_false():
    config = _config("KE")
    sample = {"data": {"transaction": {"airtel_money_id": "C36*****67", "id": "83****88", "message": "success",
                                       "status": "TS"}},
              "status": {"code": "200", "message": "SUCCESS", "result_code": "ESB000010",
                         "response_code": "DP00800001006", "success": False}}

    def documented_sample(request, forward):
        return httpx.Response(200, json=sample) if request.method == "GET" else forward()

    with _client(config, documented_sample) as client:
        result = airtel.status(config, "83****88", client=client)

    assert (result.status, result.receipt) == (ResultStatus.SUCCEEDED, "C36*****67")


def test_status_raises_not_found_when_airtel_never_saw_the_reference():
    with pytest.raises(ProviderError) as missing:
        airtel.status(_config("KE"), "never-pushed")

    assert missing.value.code == "airtel_not_found"


def _callback(transaction_json: str, *, hash_value: str | None) -> bytes:
    body = '{"transaction": ' + transaction_json
    if hash_value is not None:
        body += ', "hash": "' + hash_value + '"'
    return (body + "}").encode()


TRANSACTION = ('{"id": "att-1", "message": "Paid KES 1,500 to MOOKH, Trans ID MP210603.1234.L06941.", '
               '"status_code": "TS", "airtel_money_id": "MP210603.1234.L06941"}')


def test_callback_parse_accepts_the_callback_when_hash_matches_the_transaction_as_received():
    body = _callback(TRANSACTION, hash_value=_independent_hash(KEY, TRANSACTION))

    result = airtel.callback_parse(_config("UG", callback_key=KEY), body)

    assert (result.provider_reference, result.status, result.receipt) == (
        "att-1", ResultStatus.SUCCEEDED, "MP210603.1234.L06941")
    assert result.description.startswith("Paid KES 1,500")
    assert (result.amount, result.currency) == (None, None)


def test_callback_parse_verifies_the_sandbox_callback_when_a_key_is_set():
    config = _config("KE", callback_key=KEY)

    body = airtel.sandbox_callback(config, "att-1", airtel_money_id="MP1")

    payload = json.loads(body)
    compact = json.dumps(payload["transaction"], separators=(",", ":"))
    assert payload["hash"] == _independent_hash(KEY, compact)
    assert airtel.callback_parse(config, body).receipt == "MP1"


@pytest.mark.parametrize("hash_value", [
    _independent_hash("another-key", TRANSACTION),
    _independent_hash(KEY, TRANSACTION.replace(", ", ",")),
    _independent_hash(KEY, '{"transaction": ' + TRANSACTION + "}"),
    "",
    None,
])
def test_callback_parse_raises_unauthenticated_when_hash_is_wrong_or_missing(hash_value):
    with pytest.raises(CallbackUnauthenticated):
        airtel.callback_parse(_config("KE", callback_key=KEY), _callback(TRANSACTION, hash_value=hash_value))


def test_callback_parse_raises_unauthenticated_when_the_transaction_was_altered_after_hashing():
    altered = TRANSACTION.replace('"TS"', '"TF"')
    body = _callback(altered, hash_value=_independent_hash(KEY, TRANSACTION))

    with pytest.raises(CallbackUnauthenticated):
        airtel.callback_parse(_config("KE", callback_key=KEY), body)


@pytest.mark.parametrize("hash_value", ["zITVAAGYSlzl1WkUQJn81kbpT5drH3koffT8jCkcJJA=", None])
def test_callback_parse_ignores_the_hash_when_no_key_is_configured(hash_value):
    result = airtel.callback_parse(_config("KE"), _callback(TRANSACTION, hash_value=hash_value))

    assert result.status == ResultStatus.SUCCEEDED


@pytest.mark.parametrize("code, expected", [("TS", ResultStatus.SUCCEEDED), ("TF", ResultStatus.FAILED),
                                            ("TIP", ResultStatus.PENDING), ("TA", ResultStatus.PENDING)])
def test_callback_parse_maps_status_code_when_the_callback_is_intermediate_or_final(code, expected):
    config = _config("KE", callback_key=KEY)

    result = airtel.callback_parse(config, airtel.sandbox_callback(config, "att-9", status_code=code))

    assert (result.provider_reference, result.status) == ("att-9", expected)
    assert (result.receipt is not None) == (code == "TS")


@pytest.mark.parametrize("body", [
    b"not json", b"\xff\xfe", b"[]", b'{"hash": "x"}', b'{"transaction": "att-1"}',
    b'{"transaction": {"status_code": "TS", "airtel_money_id": "MP1"}}',
    b'{"transaction": {"id": "att-1", "status_code": "OK", "airtel_money_id": "MP1"}}',
    b'{"transaction": {"id": "att-1", "status_code": "TS"}}',
])
def test_callback_parse_raises_invalid_when_the_body_is_malformed(body):
    with pytest.raises(CallbackInvalid):
        airtel.callback_parse(_config("KE"), body)


def test_refund_sends_the_documented_request_when_a_collection_is_refunded():
    config = _config("UG")

    answer = airtel.refund(config, "MP210603.1234.L06941")

    refund = _sent("/standard/v1/payments/refund")[0]
    assert (refund["method"], refund["url"]) == ("POST", f"{UAT}/standard/v1/payments/refund")
    assert refund["body"] == {"transaction": {"airtel_money_id": "MP210603.1234.L06941"}}
    assert (refund["headers"]["x-country"], refund["headers"]["x-currency"]) == ("UG", "UGX")
    assert refund["headers"]["content-type"] == "application/json"
    assert answer["status"]["success"] is True


def test_refund_is_refused_when_the_collection_was_already_refunded():
    config = _config("KE")
    airtel.refund(config, "MP1")

    with pytest.raises(ProviderError) as refused:
        airtel.refund(config, "MP1")

    assert refused.value.code == "airtel_refused"


@pytest.mark.parametrize("msisdn", ["254733123456", "+254733123456", "0733123456"])
def test_sandbox_refuses_a_push_when_msisdn_carries_a_country_code_or_prefix(msisdn):
    config = _config("KE")
    body = {"reference": "Order ORD1", "subscriber": {"country": "KE", "currency": "KES", "msisdn": msisdn},
            "transaction": {"amount": 10, "country": "KE", "currency": "KES", "id": "att-1"}}
    headers = {"Accept": "*/*", "X-Country": "KE", "X-Currency": "KES",
               "Authorization": f"Bearer {airtel.access_token(config)}"}

    with http.provider_client(base_url=config.base_url, sandbox_handler=airtel.sandbox_handler(config)) as client:
        answer = client.post("/merchant/v1/payments/", json=body, headers=headers)

    assert answer.status_code == 400
    assert answer.json()["status"]["success"] is False


def test_config_reads_settings_when_they_are_set(settings):
    settings.AIRTEL_BASE_URL = "https://openapi.airtel.africa/"
    settings.AIRTEL_CLIENT_ID = "live-id"
    settings.AIRTEL_CLIENT_SECRET = "live-secret"
    settings.AIRTEL_CALLBACK_KEY = KEY
    settings.PAYMENTS_MODE = "live"

    config = airtel.airtel_config_from_settings("ug")

    assert (config.country, config.currency, config.base_url, config.client_id, config.client_secret,
            config.callback_key, config.sandbox) == ("UG", "UGX", "https://openapi.airtel.africa/", "live-id",
                                                     "live-secret", KEY, False)
    assert "live-secret" not in repr(config) and KEY not in repr(config)


def test_config_defaults_to_the_uat_sandbox_when_nothing_is_set():
    config = airtel.airtel_config_from_settings("KE")

    assert (config.currency, config.base_url, config.callback_key, config.sandbox) == (
        "KES", "https://openapiuat.airtel.africa/", "", True)
    with pytest.raises(ValueError):
        airtel.airtel_config_from_settings("TZ")
