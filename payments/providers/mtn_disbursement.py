"""MTN MoMo Open API, Disbursement (Uganda): refund a collection.

Refunds are MTN's Disbursement product, with its own subscription key and API user:
`POST /disbursement/v1_0/refund` (202) names the collection by `referenceIdToRefund` (the
request to pay's X-Reference-Id) and the refund by our UUID4 `X-Reference-Id`; MTN refuses a
reused one with 409, so sending again is safe. `GET /disbursement/v1_0/refund/{referenceId}`
says PENDING, SUCCESSFUL or FAILED.
"""
import base64
import hashlib
import json
import uuid
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

import httpx
from django.core.cache import cache

from payments.http import provider_client, send
from payments.providers import mtn
from payments.providers.base import ProviderError, RefundRequest, RefundResult, ResultStatus

TOKEN_PATH = "/disbursement/token/"
REFUND_PATH = "/disbursement/v1_0/refund"
TOKEN_EXPIRY_MARGIN_SECONDS = 60
MESSAGE_MAX = 160
ALREADY_EXISTS = "RESOURCE_ALREADY_EXIST"
STATUSES = {"SUCCESSFUL": ResultStatus.SUCCEEDED, "FAILED": ResultStatus.FAILED, "PENDING": ResultStatus.PENDING}
SANDBOX_SUBSCRIPTION_KEY = "sandbox-disbursement-subscription-key"
SANDBOX_API_USER = "7b2c4a1e-9f3d-4e8a-b6c5-2d1f0e9a8b7c"
SANDBOX_API_KEY = "sandbox-disbursement-api-key"


def disbursement_config_from_settings() -> mtn.MtnConfig:
    """The Disbursement product from settings; in sandbox mode missing credentials fall back to placeholders."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    sandbox = getattr(settings, "PAYMENTS_MODE", "sandbox") != "live"
    subscription_key = getattr(settings, "MTN_DISBURSEMENT_SUBSCRIPTION_KEY", "")
    api_user = getattr(settings, "MTN_DISBURSEMENT_API_USER", "")
    api_key = getattr(settings, "MTN_DISBURSEMENT_API_KEY", "")
    if not sandbox and not (subscription_key and api_user and api_key):
        raise ImproperlyConfigured("Set MTN_DISBURSEMENT_SUBSCRIPTION_KEY, MTN_DISBURSEMENT_API_USER and "
                                   "MTN_DISBURSEMENT_API_KEY for live refunds.")
    return mtn.MtnConfig(
        base_url=getattr(settings, "MTN_BASE_URL", mtn.SANDBOX_BASE_URL),
        subscription_key=subscription_key or SANDBOX_SUBSCRIPTION_KEY,
        api_user=api_user or SANDBOX_API_USER,
        api_key=api_key or SANDBOX_API_KEY,
        target_environment=getattr(settings, "MTN_TARGET_ENVIRONMENT", "sandbox"),
        sandbox=sandbox,
    )


def refund_body(request: RefundRequest) -> dict:
    return {
        "amount": _whole_units(request.amount), "currency": request.currency, "externalId": request.order_number,
        "payerMessage": _message(f"Refund of order {request.order_number}"),
        "payeeNote": _message(f"Mookh refund for order {request.order_number}"),
        "referenceIdToRefund": _uuid4(request.collection_reference, "referenceIdToRefund"),
    }


def refund(config: mtn.MtnConfig, request: RefundRequest, *, client: httpx.Client | None = None) -> RefundResult:
    """Refund (part of) the collection `request.collection_reference`, then ask how it went.

    202, or 409 RESOURCE_ALREADY_EXIST (an earlier try of this reference got through), is followed
    by the status query. ProviderError: retryable for 5xx and unreachable hosts (send again with
    the same reference), not retryable when MTN refuses the request."""
    reference = _uuid4(request.reference, "X-Reference-Id")
    try:
        body = refund_body(request)
    except ValueError as exc:
        raise ProviderError(f"MTN MoMo cannot refund this payment: {exc}", code="mtn_refund_invalid") from exc
    with _client(config, client) as http:
        response = _authorised(config, http, "POST", REFUND_PATH, content=json.dumps(body).encode(),
                               headers={"X-Reference-Id": reference, "Content-Type": "application/json"})
        error = _json(response)
        if response.status_code != 202 and not (response.status_code == 409 and error.get("code") == ALREADY_EXISTS):
            raise _error("refund", response, error)
        return status(config, reference, client=http)


def status(config: mtn.MtnConfig, reference: str, *, client: httpx.Client | None = None) -> RefundResult:
    """What MTN says now about the refund `reference`; 404 (never registered) reads as failed."""
    reference = _uuid4(reference, "X-Reference-Id")
    with _client(config, client) as http:
        response = _authorised(config, http, "GET", f"{REFUND_PATH}/{reference}")
    data = _json(response)
    if response.status_code == 404:
        return RefundResult(status=ResultStatus.FAILED, provider_reference=reference,
                            description="MTN has no such refund", raw=data)
    if response.status_code != 200 or data.get("status") not in STATUSES:
        raise _error("refund status", response, data)
    state = STATUSES[data["status"]]
    receipt = str(data.get("financialTransactionId") or "") if state == ResultStatus.SUCCEEDED else ""
    return RefundResult(status=state, provider_reference=reference, receipt=receipt,
                        description=_reason(data.get("reason")) if state == ResultStatus.FAILED else "", raw=data)


def access_token(config: mtn.MtnConfig, *, client: httpx.Client | None = None) -> str:
    """A Disbursement access token, shared through the cache until shortly before it expires."""
    key = _token_key(config)
    cached = cache.get(key)
    if cached:
        return cached
    basic = base64.b64encode(f"{config.api_user}:{config.api_key}".encode()).decode()
    with _client(config, client) as http:
        response = _send(http, "POST", TOKEN_PATH, headers={
            "Authorization": f"Basic {basic}", "Ocp-Apim-Subscription-Key": config.subscription_key})
    data = _json(response)
    if response.status_code != 200 or not isinstance(data.get("access_token"), str):
        raise _error("token", response, data)
    try:
        lifetime = int(data.get("expires_in")) - TOKEN_EXPIRY_MARGIN_SECONDS
    except (TypeError, ValueError):
        lifetime = 0
    if lifetime > 0:
        cache.set(key, data["access_token"], timeout=lifetime)
    return data["access_token"]


def _authorised(config: mtn.MtnConfig, http: httpx.Client, method: str, url: str, *, headers=None, **kwargs):
    """One call with a Bearer token; a 401 drops the cached token and tries once with a new one."""
    for attempt in (1, 2):
        all_headers = {"Authorization": f"Bearer {access_token(config, client=http)}",
                       "X-Target-Environment": config.target_environment,
                       "Ocp-Apim-Subscription-Key": config.subscription_key, **(headers or {})}
        response = _send(http, method, url, headers=all_headers, **kwargs)
        if response.status_code != 401 or attempt == 2:
            return response
        cache.delete(_token_key(config))
    raise AssertionError("unreachable")


def _send(http: httpx.Client, method: str, url: str, **kwargs) -> httpx.Response:
    try:
        return send(http, method, url, retry=True, **kwargs)
    except httpx.TransportError as exc:
        raise ProviderError(f"MTN unreachable: {exc}", code="mtn_unreachable", retryable=True) from exc


@contextmanager
def _client(config: mtn.MtnConfig, client: httpx.Client | None):
    if client is not None:
        yield client
        return
    handler = sandbox_handler(config) if config.sandbox else None
    with provider_client(base_url=config.base_url, sandbox_handler=handler) as http:
        yield http


def _error(action: str, response: httpx.Response, error: dict) -> ProviderError:
    code = error.get("code") if isinstance(error.get("code"), str) else f"http_{response.status_code}"
    return ProviderError(f"MTN {action} answered {response.status_code}: {error.get('message') or code}",
                         code=f"mtn_{code.lower()}", retryable=response.status_code >= 500)


def _reason(reason) -> str:
    if isinstance(reason, dict):
        return ": ".join(str(part) for part in (reason.get("code"), reason.get("message")) if part) or "failed"
    return str(reason) if reason else "failed"


def _json(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _uuid4(value: str, name: str) -> str:
    try:
        if uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value:
            return value
    except (ValueError, TypeError, AttributeError):
        pass
    raise ValueError(f"{name} {value!r} is not a UUID4.")


def _whole_units(amount: Decimal) -> str:
    if isinstance(amount, float) or not isinstance(amount, Decimal | int):
        raise TypeError("Amounts are Decimal, never float.")
    whole = Decimal(amount).to_integral_value()
    if whole != amount or whole <= 0:
        raise ValueError(f"MTN refunds positive whole amounts, not {amount}.")
    return str(int(whole))


def _message(text: str) -> str:
    return text.replace("'", "").replace("\u2019", "")[:MESSAGE_MAX]


def _token_key(config: mtn.MtnConfig) -> str:
    digest = hashlib.sha256(f"{config.base_url}|{config.api_user}".encode()).hexdigest()[:32]
    return f"payments:mtn:disbursement:token:{digest}"


# --- sandbox: MTN's Disbursement refunds answered offline -----------------------------------------

SANDBOX_TTL_SECONDS = 7 * 24 * 3600
SANDBOX_TOKEN_SECONDS = 3600


def sandbox_handler(config: mtn.MtnConfig):
    """Token, refund (202; 409 for a reused X-Reference-Id; 404 when the collection is unknown to
    the Collection sandbox) and refund status. A refund is SUCCESSFUL unless it asks for more than
    the collection has left to refund (FAILED, NOT_ALLOWED), or PENDING at first for a collection
    `sandbox_refunds_delay` names; every process shares it (the cache)."""
    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path == TOKEN_PATH:
            return _sandbox_token(config, request)
        denied = _sandbox_denied(config, request)
        if denied:
            return denied
        if request.method == "POST" and path == REFUND_PATH:
            return _sandbox_refund(request)
        if request.method == "GET" and path.startswith(f"{REFUND_PATH}/"):
            return _sandbox_status(path.rsplit("/", 1)[1])
        return _sandbox_error(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.")

    return handle


def _sandbox_token(config: mtn.MtnConfig, request: httpx.Request) -> httpx.Response:
    basic = base64.b64encode(f"{config.api_user}:{config.api_key}".encode()).decode()
    if (request.headers.get("Authorization") != f"Basic {basic}"
            or request.headers.get("Ocp-Apim-Subscription-Key") != config.subscription_key):
        return _sandbox_error(401, "UNAUTHORIZED", "Access denied: wrong API user, key or subscription key.")
    if request.content:
        return _sandbox_error(400, "BAD_REQUEST", "The token request takes no body.")
    token = uuid.uuid4().hex
    cache.set(f"payments:mtn:disbursement:sandbox:token:{token}", True, timeout=SANDBOX_TOKEN_SECONDS)
    return httpx.Response(200, json={"access_token": token, "token_type": "access_token",
                                     "expires_in": SANDBOX_TOKEN_SECONDS})


def _sandbox_denied(config: mtn.MtnConfig, request: httpx.Request) -> httpx.Response | None:
    if request.headers.get("Ocp-Apim-Subscription-Key") != config.subscription_key:
        return _sandbox_error(401, "UNAUTHORIZED", "Access denied due to invalid subscription key.")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not cache.get(f"payments:mtn:disbursement:sandbox:token:{token}"):
        return _sandbox_error(401, "UNAUTHORIZED", "Access denied due to an invalid or expired token.")
    if request.headers.get("X-Target-Environment") != config.target_environment:
        return _sandbox_error(403, "NOT_ALLOWED_TARGET_ENVIRONMENT", "Access to target environment is forbidden.")
    return None


def _sandbox_refund(request: httpx.Request) -> httpx.Response:
    reference = request.headers.get("X-Reference-Id", "")
    try:
        _uuid4(reference, "X-Reference-Id")
        body = json.loads(request.content or b"{}")
        collection = _uuid4(body.get("referenceIdToRefund"), "referenceIdToRefund")
        amount = Decimal(body["amount"]) if isinstance(body.get("amount"), str) and body["amount"].isdigit() else None
    except (ValueError, TypeError, AttributeError, InvalidOperation):
        return _sandbox_error(400, "BAD_REQUEST", "The refund body is not valid.")
    messages = [body.get("payerMessage", ""), body.get("payeeNote", "")]
    if amount is None or amount <= 0 or not isinstance(body.get("currency"), str) or not all(
            isinstance(text, str) and len(text) <= MESSAGE_MAX and "'" not in text for text in messages):
        return _sandbox_error(400, "BAD_REQUEST", "The refund body is not valid.")
    collected = mtn.sandbox_collected(collection)
    if collected is None:
        return _sandbox_error(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.")
    if cache.get(_refund_key(reference)) is not None:
        return _sandbox_error(409, ALREADY_EXISTS, "Duplicated reference id. Creation of resource failed.")
    refunded_key = f"payments:mtn:disbursement:sandbox:refunded:{collection}"
    cache.add(refunded_key, "0", timeout=SANDBOX_TTL_SECONDS)
    left = collected["amount"] - Decimal(cache.get(refunded_key))
    status = "SUCCESSFUL" if body["currency"] == collected["currency"] and amount <= left else "FAILED"
    if status == "SUCCESSFUL" and cache.get(_delayed_key(collection)):
        status = "DELAYED"
    if status != "FAILED":
        cache.set(refunded_key, str(Decimal(cache.get(refunded_key)) + amount), timeout=SANDBOX_TTL_SECONDS)
    cache.set(_refund_key(reference), {**body, "status": status, "payer": collected["payer"]},
              timeout=SANDBOX_TTL_SECONDS)
    return httpx.Response(202)


def sandbox_refunds_delay(collection_reference: str) -> None:
    """MTN is slow with refunds of this collection: each is PENDING at its first status query,
    SUCCESSFUL afterwards (as the Collection sandbox's "delayed" payer is)."""
    cache.set(_delayed_key(collection_reference), True, timeout=SANDBOX_TTL_SECONDS)


def _sandbox_status(reference: str) -> httpx.Response:
    body = cache.get(_refund_key(reference))
    if body is None:
        return _sandbox_error(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.")
    if body["status"] == "DELAYED":
        body = {**body, "status": "PENDING"}
        cache.set(_refund_key(reference), {**body, "status": "SUCCESSFUL"}, timeout=SANDBOX_TTL_SECONDS)
    data = {"amount": body["amount"], "currency": body["currency"], "externalId": body.get("externalId", ""),
            "payee": {"partyIdType": "MSISDN", "partyId": body["payer"]},
            "payerMessage": body.get("payerMessage", ""), "payeeNote": body.get("payeeNote", ""),
            "status": body["status"]}
    if body["status"] == "SUCCESSFUL":
        data["financialTransactionId"] = str(10**9 + int(hashlib.sha256(reference.encode()).hexdigest(), 16)
                                             % (9 * 10**9))
    else:
        data["reason"] = "NOT_ALLOWED"
    return httpx.Response(200, json=data)


def _sandbox_error(status_code: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status_code, json={"code": code, "message": message})


def _refund_key(reference: str) -> str:
    return f"payments:mtn:disbursement:sandbox:refund:{reference}"


def _delayed_key(collection_reference: str) -> str:
    return f"payments:mtn:disbursement:sandbox:delayed:{collection_reference}"
