"""Airtel Money answered offline with its real formats (payments.md §3.7), behind
`payments.providers.airtel.sandbox_handler` and `sandbox_callback`.

What it has seen (tokens issued, transaction ids, refunds) lives in Django's cache, so every
process of the site shares one sandbox.
"""
import hashlib
import json
import re
import secrets

import httpx
from django.core.cache import cache

from payments.providers.airtel import (
    NATIONAL_NUMBER_DIGITS, NOT_FOUND, PUSH_PATH, REFUND_PATH, SUCCEEDED, TOKEN_PATH, AirtelConfig, callback_hash,
)

TOKEN_SECONDS = 180
MEMORY_SECONDS = 7 * 24 * 3600
OUTCOMES = {"0001": "TF", "0002": "TA", "0003": "TIP"}  # by the msisdn's last digits; others TS
MESSAGES = {"TS": "success", "TF": "Transaction failed", "TIP": "Transaction in progress",
            "TA": "Transaction ambiguous"}
_ENQUIRY = re.compile(r"/standard/v1/payments/(?P<reference>[^/]+)$")


def handler(config: AirtelConfig):
    """`payments.providers.airtel.sandbox_handler`: a function answering one httpx.Request."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith(TOKEN_PATH):
            return _token(config, request)
        refusal = _header_refusal(config, request)
        if refusal:
            return refusal
        if request.method == "POST" and path.endswith(PUSH_PATH):
            return _push(config, _body(request))
        if request.method == "POST" and path.endswith(REFUND_PATH):
            return _refund(config, _body(request))
        match = _ENQUIRY.search(path)
        if request.method == "GET" and match:
            return _enquiry(config, match["reference"])
        return _answer(404, "Resource not found", success=False)

    return handle


def callback(config: AirtelConfig, reference: str, *, status_code: str = "TS",
             airtel_money_id: str | None = None) -> bytes:
    """`payments.providers.airtel.sandbox_callback`: the body of a §3.4 callback."""
    transaction = json.dumps({"id": reference, "message": MESSAGES.get(status_code, ""),
                              "status_code": status_code,
                              "airtel_money_id": airtel_money_id or _money_id(config, reference)},
                             separators=(",", ":"))
    body = '{"transaction":' + transaction
    if config.callback_key:
        body += ',"hash":' + json.dumps(callback_hash(config.callback_key, transaction))
    return (body + "}").encode()


def outcome_set(config: AirtelConfig, reference: str, status_code: str) -> None:
    """`payments.providers.airtel.sandbox_outcome_set`: the payer answered the prompt."""
    if status_code not in MESSAGES:
        raise ValueError(f"Airtel has no transaction status {status_code!r}")
    cache.set(_key("outcome", config.client_id, reference), status_code, timeout=MEMORY_SECONDS)


def _key(kind: str, *parts: str) -> str:
    return f"airtel:sandbox:{kind}:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _money_id(config: AirtelConfig, reference: str) -> str:
    return "MP" + hashlib.sha256(f"{config.client_id}\n{reference}".encode()).hexdigest()[:12].upper()


def _answer(code: int, message: str, *, success: bool, response_code: str = "",
            data: dict | None = None) -> httpx.Response:
    return httpx.Response(code, json={"data": data or {}, "status": {
        "code": str(code), "message": message, "result_code": "ESB000010" if success else "ESB000001",
        "response_code": response_code, "success": success}})


def _body(request: httpx.Request) -> dict:
    try:
        return _object(json.loads(request.content or b"{}"))
    except ValueError:
        return {}


def _token(config: AirtelConfig, request: httpx.Request) -> httpx.Response:
    body = _body(request)
    if (body.get("client_id"), body.get("client_secret"), body.get("grant_type")) != (
            config.client_id, config.client_secret, "client_credentials"):
        return httpx.Response(401, json={"error": "invalid_client", "error_description": "Invalid client credentials"})
    token = secrets.token_urlsafe(24)
    cache.set(_key("token", token), True, timeout=TOKEN_SECONDS)
    return httpx.Response(200, json={"access_token": token, "expires_in": str(TOKEN_SECONDS),
                                     "token_type": "bearer"})


def _header_refusal(config: AirtelConfig, request: httpx.Request) -> httpx.Response | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not cache.get(_key("token", token)):
        return _answer(401, "Invalid or expired token", success=False)
    expected = {"Accept": "*/*", "X-Country": config.country, "X-Currency": config.currency}
    if request.method == "POST":
        expected["Content-Type"] = "application/json"
    for name, value in expected.items():
        if request.headers.get(name) != value:
            return _answer(400, f"Header {name} must be {value}", success=False)
    return None


def _push_problem(config: AirtelConfig, body: dict) -> str | None:
    subscriber, transaction = _object(body.get("subscriber")), _object(body.get("transaction"))
    msisdn, amount, reference = subscriber.get("msisdn"), transaction.get("amount"), transaction.get("id")
    if not (isinstance(body.get("reference"), str) and body["reference"]):
        return "reference is required"
    if not (isinstance(msisdn, str) and msisdn.isdigit() and len(msisdn) == NATIONAL_NUMBER_DIGITS):
        return "subscriber.msisdn must be the number without country code"
    if {subscriber.get("country"), transaction.get("country")} != {config.country} or {
            subscriber.get("currency"), transaction.get("currency")} != {config.currency}:
        return "country and currency must match X-Country and X-Currency"
    if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
        return "transaction.amount must be a positive number"
    if not (isinstance(reference, str) and reference):
        return "transaction.id is required"
    return None


def _push(config: AirtelConfig, body: dict) -> httpx.Response:
    problem = _push_problem(config, body)
    if problem:
        return _answer(400, problem, success=False, response_code="DP00800001004")
    reference, msisdn = body["transaction"]["id"], body["subscriber"]["msisdn"]
    if not cache.add(_key("transaction", config.client_id, reference), msisdn, timeout=MEMORY_SECONDS):
        return _answer(200, "Duplicate transaction id", success=False, response_code="DP00800001005")
    return _answer(200, "SUCCESS", success=True, response_code="DP00800001006",
                   data={"transaction": {"id": reference, "status": "SUCCESS"}})


def _enquiry(config: AirtelConfig, reference: str) -> httpx.Response:
    msisdn = cache.get(_key("transaction", config.client_id, reference))
    if msisdn is None:
        return _answer(200, "Transaction not found", success=False, response_code=NOT_FOUND)
    code = cache.get(_key("outcome", config.client_id, reference)) or OUTCOMES.get(msisdn[-4:], SUCCEEDED)
    transaction = {"airtel_money_id": _money_id(config, reference), "id": reference,
                   "message": MESSAGES[code], "status": code}
    return _answer(200, "SUCCESS", success=True, response_code="DP00800001001" if code == SUCCEEDED
                   else "DP00800001006", data={"transaction": transaction})


def _refund(config: AirtelConfig, body: dict) -> httpx.Response:
    money_id = _object(body.get("transaction")).get("airtel_money_id")
    if not (isinstance(money_id, str) and money_id):
        return _answer(400, "transaction.airtel_money_id is required", success=False)
    if not cache.add(_key("refund", config.client_id, money_id), True, timeout=MEMORY_SECONDS):
        return _answer(200, "Transaction already refunded", success=False)
    return _answer(200, "SUCCESS", success=True, response_code="DP00800001001",
                   data={"transaction": {"airtel_money_id": money_id, "status": "SUCCESS"}})


def _object(value) -> dict:
    return value if isinstance(value, dict) else {}
