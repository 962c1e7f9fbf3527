"""M-Pesa Daraja (Kenya): OAuth, STK push, its callback and the STK query (payments.md §1).

Callbacks are unsigned: the caller authenticates them by a secret path token and by naming an
attempt we started. The STK query never carries the receipt, and answers `500.001.1001` while
the customer has not yet answered the prompt (still pending).
"""
import base64
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings
from django.core.cache import cache

from payments.http import provider_client, send
from payments.providers.base import (
    CallbackInvalid, ProviderError, ProviderResult, PushRequest, PushStarted, ResultStatus,
)

SANDBOX_BASE_URL = "https://sandbox.safaricom.co.ke"
SANDBOX_SHORTCODE = "174379"
SANDBOX_PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"
EAT = ZoneInfo("Africa/Nairobi")  # Daraja's timestamps are East Africa Time
STILL_PROCESSING = "500.001.1001"
TOKEN_MARGIN_SECONDS = 60
CANCELLED_CODES = {1032}
SUCCESS = 0


@dataclass(frozen=True)
class MpesaConfig:
    base_url: str = SANDBOX_BASE_URL
    consumer_key: str = "sandbox"
    consumer_secret: str = "sandbox"
    shortcode: str = SANDBOX_SHORTCODE
    passkey: str = SANDBOX_PASSKEY
    transaction_type: str = "CustomerPayBillOnline"
    sandbox: bool = True


def mpesa_config_from_settings() -> MpesaConfig:
    return MpesaConfig(
        base_url=getattr(settings, "MPESA_BASE_URL", SANDBOX_BASE_URL),
        consumer_key=getattr(settings, "MPESA_CONSUMER_KEY", "") or "sandbox",
        consumer_secret=getattr(settings, "MPESA_CONSUMER_SECRET", "") or "sandbox",
        shortcode=getattr(settings, "MPESA_SHORTCODE", SANDBOX_SHORTCODE),
        passkey=getattr(settings, "MPESA_PASSKEY", SANDBOX_PASSKEY),
        transaction_type=getattr(settings, "MPESA_TRANSACTION_TYPE", "CustomerPayBillOnline"),
        sandbox=getattr(settings, "PAYMENTS_MODE", "sandbox") != "live",
    )


def password(shortcode: str, passkey: str, timestamp: str) -> str:
    """base64(shortcode + passkey + timestamp): plain concatenation, not an HMAC (§1.4)."""
    return base64.b64encode(f"{shortcode}{passkey}{timestamp}".encode()).decode()


def timestamp(now: datetime | None = None) -> str:
    return (now or datetime.now(tz=EAT)).astimezone(EAT).strftime("%Y%m%d%H%M%S")


def msisdn(phone: str) -> str:
    """+254708374149 → 254708374149."""
    return phone.lstrip("+")


def whole_shillings(amount: Decimal) -> int:
    """M-Pesa takes whole shillings: a fraction is rounded up, never charged short."""
    return int(Decimal(amount).to_integral_value(rounding=ROUND_CEILING))


def _client(config: MpesaConfig, client: httpx.Client | None) -> httpx.Client:
    if client is not None:
        return client
    return provider_client(base_url=config.base_url, sandbox_handler=sandbox_handler(config) if config.sandbox else None)


def access_token(config: MpesaConfig, *, client: httpx.Client | None = None) -> str:
    """One token shared by every worker (each new token revokes the previous one), cached until
    shortly before it expires."""
    key = f"mpesa:token:{config.base_url}:{config.consumer_key}"
    token = cache.get(key)
    if token:
        return token
    credentials = base64.b64encode(f"{config.consumer_key}:{config.consumer_secret}".encode()).decode()
    response = send(_client(config, client), "GET", "/oauth/v1/generate", params={"grant_type": "client_credentials"},
                    headers={"Authorization": f"Basic {credentials}"})
    if response.status_code != 200:
        raise ProviderError(f"M-Pesa token refused ({response.status_code})", code="provider_auth",
                            retryable=response.status_code >= 500)
    body = response.json()
    lifetime = int(str(body.get("expires_in", 3599)))
    cache.set(key, body["access_token"], timeout=max(lifetime - TOKEN_MARGIN_SECONDS, 1))
    return body["access_token"]


def stk_push(config: MpesaConfig, request: PushRequest, *, client: httpx.Client | None = None,
             now: datetime | None = None) -> PushStarted:
    """Send the PIN prompt. Never retried automatically: a push has no idempotency key, and a
    second prompt could reach the phone (query first)."""
    client = _client(config, client)
    stamp = timestamp(now)
    body = {
        "BusinessShortCode": config.shortcode, "Password": password(config.shortcode, config.passkey, stamp),
        "Timestamp": stamp, "TransactionType": config.transaction_type,
        "Amount": whole_shillings(request.amount), "PartyA": msisdn(request.phone), "PartyB": config.shortcode,
        "PhoneNumber": msisdn(request.phone), "CallBackURL": request.callback_url,
        "AccountReference": request.order_number[:12], "TransactionDesc": "Mookh order"[:13],
    }
    response = send(client, "POST", "/mpesa/stkpush/v1/processrequest", retry=False, json=body,
                    headers={"Authorization": f"Bearer {access_token(config, client=client)}"})
    answer = _json(response)
    if response.status_code != 200 or str(answer.get("ResponseCode")) != "0":
        raise ProviderError(f"M-Pesa refused the prompt: {answer.get('errorMessage') or answer}",
                            code=str(answer.get("errorCode") or "stk_refused"), retryable=response.status_code >= 500)
    return PushStarted(provider_reference=answer["CheckoutRequestID"], raw=answer)


def stk_query(config: MpesaConfig, checkout_request_id: str, *, client: httpx.Client | None = None,
              now: datetime | None = None) -> ProviderResult:
    """The prompt's outcome as Daraja knows it now; pending while the customer has not answered.

    Sent once: Daraja answers a prompt still waiting for the customer with a 500, which retrying
    at once would not change, and every caller (reconciliation, the order lookup) asks again later."""
    client = _client(config, client)
    stamp = timestamp(now)
    body = {"BusinessShortCode": config.shortcode, "Password": password(config.shortcode, config.passkey, stamp),
            "Timestamp": stamp, "CheckoutRequestID": checkout_request_id}
    response = send(client, "POST", "/mpesa/stkpushquery/v1/query", retry=False, json=body,
                    headers={"Authorization": f"Bearer {access_token(config, client=client)}"})
    answer = _json(response)
    if answer.get("errorCode") == STILL_PROCESSING:
        return ProviderResult(provider_reference=checkout_request_id, status=ResultStatus.PENDING,
                              description=answer.get("errorMessage", ""), raw=answer)
    if "ResultCode" not in answer:
        raise ProviderError(f"M-Pesa query failed: {answer}", code=str(answer.get("errorCode") or "query_failed"),
                            retryable=True)
    return ProviderResult(provider_reference=checkout_request_id, status=_status(int(str(answer["ResultCode"]))),
                          description=answer.get("ResultDesc", ""), raw=answer)


def callback_parse(body: bytes) -> ProviderResult:
    """Read an STK callback (§1.6): ResultCode is an integer here; metadata items by Name."""
    try:
        callback = json.loads(body)["Body"]["stkCallback"]
        checkout_request_id = str(callback["CheckoutRequestID"])
        code = int(str(callback["ResultCode"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise CallbackInvalid(f"not an STK callback: {exc}") from exc
    items = {}
    for item in (callback.get("CallbackMetadata") or {}).get("Item") or []:
        if isinstance(item, dict) and "Name" in item:
            items[item["Name"]] = item.get("Value")
    amount = None
    if items.get("Amount") is not None:
        try:
            amount = Decimal(str(items["Amount"]))
        except ArithmeticError as exc:
            raise CallbackInvalid("Amount is not a number") from exc
        if not amount.is_finite():
            raise CallbackInvalid("Amount is not a number")
    receipt = items.get("MpesaReceiptNumber")
    if code == SUCCESS and (amount is None or not receipt):
        raise CallbackInvalid("a successful callback without Amount or MpesaReceiptNumber")
    return ProviderResult(provider_reference=checkout_request_id, status=_status(code), amount=amount,
                          currency="KES", receipt=str(receipt) if receipt else None,
                          description=str(callback.get("ResultDesc", "")), raw={"stkCallback": callback})


def _status(code: int) -> str:
    if code == SUCCESS:
        return ResultStatus.SUCCEEDED
    return ResultStatus.CANCELLED if code in CANCELLED_CODES else ResultStatus.FAILED


def _json(response: httpx.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


# --- sandbox: Daraja answered offline, with its real formats -------------------------------------

SANDBOX_OUTCOME_KEY = "mpesa:sandbox:outcome:{checkout}"
SANDBOX_RECEIPT_KEY = "mpesa:sandbox:receipt:{receipt}"


def sandbox_handler(config: MpesaConfig):
    """Answers token, STK push and STK query as Daraja does (rules of §1.3 checked), offline."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/oauth/v1/generate":
            if not request.headers.get("Authorization", "").startswith("Basic "):
                return httpx.Response(400, json={"errorCode": "400.008.01", "errorMessage": "Invalid Authentication"})
            return httpx.Response(200, json={"access_token": secrets.token_urlsafe(20), "expires_in": "3599"})
        body = json.loads(request.content or b"{}")
        if path == "/mpesa/stkpush/v1/processrequest":
            problem = _sandbox_push_problem(config, body)
            if problem:
                return httpx.Response(400, json={"requestId": secrets.token_hex(8), "errorCode": "400.002.02",
                                                 "errorMessage": f"Bad Request - Invalid {problem}"})
            checkout = f"ws_CO_{time.strftime('%d%m%Y%H%M%S')}{secrets.randbelow(10**9):09d}"
            return httpx.Response(200, json={
                "MerchantRequestID": f"{secrets.randbelow(10**5)}-{secrets.randbelow(10**8)}-1",
                "CheckoutRequestID": checkout, "ResponseCode": "0",
                "ResponseDescription": "Success. Request accepted for processing",
                "CustomerMessage": "Success. Request accepted for processing"})
        if path == "/mpesa/stkpushquery/v1/query":
            outcome = cache.get(SANDBOX_OUTCOME_KEY.format(checkout=body.get("CheckoutRequestID")))
            if outcome is None:
                return httpx.Response(500, json={"requestId": secrets.token_hex(8), "errorCode": STILL_PROCESSING,
                                                 "errorMessage": "The transaction is being processed"})
            return httpx.Response(200, json={
                "ResponseCode": "0", "ResponseDescription": "The service request has been accepted successfully",
                "MerchantRequestID": "sandbox", "CheckoutRequestID": body.get("CheckoutRequestID"),
                "ResultCode": str(outcome), "ResultDesc": "The service request is processed successfully."
                if outcome == SUCCESS else "Request cancelled by user" if outcome in CANCELLED_CODES else "Failed"})
        return httpx.Response(404, json={"errorCode": "404.001.01", "errorMessage": "Resource not found"})

    return handle


def _sandbox_push_problem(config: MpesaConfig, body: dict) -> str | None:
    if body.get("Password") != password(config.shortcode, config.passkey, str(body.get("Timestamp", ""))):
        return "Password"
    if not (isinstance(body.get("Amount"), int) and body["Amount"] >= 1):
        return "Amount"
    phone = str(body.get("PhoneNumber", ""))
    if not (phone.isdigit() and len(phone) == 12 and phone.startswith("254")):
        return "PhoneNumber"
    if len(str(body.get("AccountReference", ""))) > 12 or len(str(body.get("TransactionDesc", ""))) > 13:
        return "AccountReference"
    return None


def sandbox_callback(checkout_request_id: str, *, result_code: int = SUCCESS, amount: Decimal | None = None,
                     phone: str = "+254708374149", receipt: str | None = None) -> bytes:
    """The callback Daraja would POST for this prompt (§1.6); the sandbox's STK query then agrees."""
    cache.set(SANDBOX_OUTCOME_KEY.format(checkout=checkout_request_id), result_code, timeout=24 * 3600)
    receipt = receipt or _receipt()
    if result_code == SUCCESS:
        cache.set(SANDBOX_RECEIPT_KEY.format(receipt=receipt), str(amount if amount is not None else 1),
                  timeout=7 * 24 * 3600)
    callback = {"MerchantRequestID": "sandbox", "CheckoutRequestID": checkout_request_id,
                "ResultCode": result_code,
                "ResultDesc": "The service request is processed successfully." if result_code == SUCCESS
                else "Request cancelled by user" if result_code in CANCELLED_CODES else "The balance is insufficient."}
    if result_code == SUCCESS:
        callback["CallbackMetadata"] = {"Item": [
            {"Name": "Amount", "Value": float(amount) if amount is not None else 1.0},
            {"Name": "MpesaReceiptNumber", "Value": receipt},
            {"Name": "Balance"},
            {"Name": "TransactionDate", "Value": int(timestamp())},
            {"Name": "PhoneNumber", "Value": int(msisdn(phone))},
        ]}
    return json.dumps({"Body": {"stkCallback": callback}}).encode()


def sandbox_receipt_amount(receipt: str) -> Decimal | None:
    """What a receipt this sandbox issued carried, or None for one it did not issue."""
    amount = cache.get(SANDBOX_RECEIPT_KEY.format(receipt=receipt))
    return Decimal(amount) if amount is not None else None


def _receipt() -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))
