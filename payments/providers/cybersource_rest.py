"""Cybersource REST API: refund a card payment, `POST /pts/v2/payments/{id}/refunds`.

`{id}` is the payment's transaction id (the Secure Acceptance receipt's `transaction_id`). Every
request carries HTTP Signature authentication: a `Digest` of the body (SHA-256, base64) and a
`Signature` header whose `signature` is base64(HMAC-SHA256(base64-decoded shared secret, the
signing string)), the signing string being `name: value` lines for host, date, request-target
(`post /pts/v2/...`), digest and v-c-merchant-id, in that order. A 201 answer (status PENDING:
submitted for settlement) means the refund is made.
"""
import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote

import httpx

from payments.http import provider_client, send
from payments.providers import cybersource
from payments.providers.base import ProviderError, RefundRequest, RefundResult, ResultStatus

TEST_HOST = "apitest.cybersource.com"
LIVE_HOST = "api.cybersource.com"
REFUND_PATH = "/pts/v2/payments/{id}/refunds"
ALGORITHM = "HmacSHA256"
SIGNED_HEADERS = ("host", "date", "request-target", "digest", "v-c-merchant-id")
SIGNED_HEADERS_WITHOUT_BODY = ("host", "date", "request-target", "v-c-merchant-id")
# Placeholders that let the offline sandbox sign and verify when no credentials are configured.
SANDBOX_MERCHANT_ID = "mookh_sandbox"
SANDBOX_KEY_ID = "08c94330-f618-42a3-b09d-e1e43be5efda"
SANDBOX_SHARED_SECRET = base64.b64encode(b"sandbox-rest-shared-secret-not-for-live-use").decode()
# Unreachable (nothing was sent): safe to send again. A timeout or 5xx may have refunded.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RestConfig:
    merchant_id: str = SANDBOX_MERCHANT_ID
    key_id: str = SANDBOX_KEY_ID
    shared_secret: str = field(default=SANDBOX_SHARED_SECRET, repr=False)  # base64, as the Business Center gives it
    host: str = TEST_HOST
    sandbox: bool = True


def rest_config_from_settings() -> RestConfig:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    sandbox = getattr(settings, "PAYMENTS_MODE", "sandbox") != "live"
    merchant_id = getattr(settings, "CYBERSOURCE_MERCHANT_ID", "")
    key_id = getattr(settings, "CYBERSOURCE_REST_KEY_ID", "")
    shared_secret = getattr(settings, "CYBERSOURCE_REST_SHARED_SECRET", "")
    if not sandbox and not (merchant_id and key_id and shared_secret):
        raise ImproperlyConfigured("Set CYBERSOURCE_MERCHANT_ID, CYBERSOURCE_REST_KEY_ID and "
                                   "CYBERSOURCE_REST_SHARED_SECRET for live card refunds.")
    return RestConfig(merchant_id=merchant_id or SANDBOX_MERCHANT_ID, key_id=key_id or SANDBOX_KEY_ID,
                      shared_secret=shared_secret or SANDBOX_SHARED_SECRET,
                      host=getattr(settings, "CYBERSOURCE_REST_HOST", "") or (TEST_HOST if sandbox else LIVE_HOST),
                      sandbox=sandbox)


def body_digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def signing_string(values: dict, names: tuple[str, ...]) -> str:
    return "\n".join(f"{name}: {values[name]}" for name in names)


def signature(shared_secret: str, text: str) -> str:
    key = base64.b64decode(shared_secret)
    return base64.b64encode(hmac.new(key, text.encode(), hashlib.sha256).digest()).decode()


def signed_headers(config: RestConfig, *, method: str, path: str, body: bytes | None = None,
                   now: datetime | None = None) -> dict:
    """The headers that authenticate one request: Host, Date, v-c-merchant-id, Digest (with a
    body) and Signature."""
    values = {"host": config.host, "date": format_datetime((now or datetime.now(UTC)).astimezone(UTC), usegmt=True),
              "request-target": f"{method.lower()} {path}", "v-c-merchant-id": config.merchant_id}
    names = SIGNED_HEADERS_WITHOUT_BODY
    if body is not None:
        values["digest"], names = body_digest(body), SIGNED_HEADERS
    signed = signature(config.shared_secret, signing_string(values, names))
    headers = {"Host": values["host"], "Date": values["date"], "v-c-merchant-id": config.merchant_id,
               "Signature": f'keyid="{config.key_id}", algorithm="{ALGORITHM}", headers="{" ".join(names)}", '
                            f'signature="{signed}"'}
    if body is not None:
        headers["Digest"] = values["digest"]
    return headers


def refund_body(request: RefundRequest) -> dict:
    return {"clientReferenceInformation": {"code": request.order_number},
            "orderInformation": {"amountDetails": {"totalAmount": _amount_text(request.amount),
                                                   "currency": request.currency}}}


def refund(config: RestConfig, request: RefundRequest, *, client: httpx.Client | None = None,
           now: datetime | None = None) -> RefundResult:
    """Refund `request.amount` of the payment `request.payment_reference`. Sent once:
    ProviderError `cybersource_unreachable` (retryable: nothing left), `cybersource_outcome_unknown`
    (a timeout or 5xx), or `cybersource_<reason>` when Cybersource refuses it."""
    path = REFUND_PATH.format(id=quote(request.payment_reference, safe=""))
    body = json.dumps(refund_body(request), separators=(",", ":")).encode()
    headers = {**signed_headers(config, method="POST", path=path, body=body, now=now),
               "Content-Type": "application/json"}
    try:
        with _client(config, client) as http:
            response = send(http, "POST", path, retry=False, content=body, headers=headers)
    except NOT_SENT as exc:
        raise ProviderError(f"Cybersource unreachable: {exc!r}", code="cybersource_unreachable",
                            retryable=True) from exc
    except httpx.TransportError as exc:
        raise ProviderError(f"Cybersource refund: no answer ({exc!r}); the outcome is unknown",
                            code="cybersource_outcome_unknown") from exc
    answer = _json(response)
    if response.status_code == 201:
        return RefundResult(status=ResultStatus.SUCCEEDED, provider_reference=str(answer.get("id") or ""),
                            receipt=str(answer.get("reconciliationId") or answer.get("id") or ""),
                            description=str(answer.get("status") or ""), raw=answer)
    if response.status_code >= 500:
        raise ProviderError(f"Cybersource refund answered {response.status_code}; the outcome is unknown",
                            code="cybersource_outcome_unknown")
    reason = str(answer.get("reason") or answer.get("status") or f"http_{response.status_code}")
    raise ProviderError(f"Cybersource refused the refund: {reason}: {answer.get('message') or ''}".strip(": "),
                        code=f"cybersource_{reason.lower()}")


@contextmanager
def _client(config: RestConfig, client: httpx.Client | None) -> Iterator[httpx.Client]:
    if client is not None:
        yield client
        return
    handler = sandbox_handler(config) if config.sandbox else None
    with provider_client(base_url=f"https://{config.host}", sandbox_handler=handler) as own:
        yield own


def _amount_text(amount: Decimal) -> str:
    cents = Decimal(amount).quantize(Decimal("0.01"))
    if cents != amount or cents <= 0:
        raise ProviderError(f"{amount} is not a positive amount in whole cents", code="cybersource_amount_invalid")
    return f"{cents:.2f}"


def _json(response: httpx.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


# --- sandbox: the REST API answered offline, signatures checked -----------------------------------

SANDBOX_TTL_SECONDS = 7 * 24 * 3600
CLOCK_SKEW = timedelta(minutes=15)


def sandbox_handler(config: RestConfig):
    """Refunds answered as Cybersource does, offline: 401 unless the Signature and Digest check
    out with the shared secret; 404 for a payment the sandbox gateway never accepted; 400
    INVALID_AMOUNT for more than the payment has left to refund; else 201 PENDING."""
    from django.core.cache import cache

    def handle(request: httpx.Request) -> httpx.Response:
        if not _signature_valid(config, request):
            return _error(401, "AUTHENTICATION_FAILED", "Authentication Failed")
        parts = request.url.path.split("/")
        if request.method != "POST" or len(parts) != 6 or parts[1:4] != ["pts", "v2", "payments"] or (
                parts[5] != "refunds"):
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        payment_id = parts[4]
        captured = cybersource.sandbox_captured(payment_id)
        if captured is None:
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        try:
            details = json.loads(request.content)["orderInformation"]["amountDetails"]
            amount, currency = Decimal(details["totalAmount"]), details["currency"]
        except (ValueError, KeyError, TypeError, InvalidOperation):
            return _error(400, "MISSING_FIELD", "Declined - The request is missing one or more fields")
        if currency != captured["currency"] or not amount.is_finite() or amount <= 0:
            return _error(400, "INVALID_DATA", "Declined - One or more fields in the request contains invalid data")
        refunded_key = f"cybersource:sandbox:refunded:{payment_id}"
        cache.add(refunded_key, "0", timeout=SANDBOX_TTL_SECONDS)
        if amount > captured["amount"] - Decimal(cache.get(refunded_key)):
            return _error(400, "INVALID_AMOUNT", "Declined - The refund amount is more than the payment has left")
        cache.set(refunded_key, str(Decimal(cache.get(refunded_key)) + amount), timeout=SANDBOX_TTL_SECONDS)
        refund_id = str(10**21 + secrets.randbelow(9 * 10**21))
        return httpx.Response(201, json={
            "_links": {"self": {"href": f"/pts/v2/refunds/{refund_id}", "method": "GET"}},
            "id": refund_id, "submitTimeUtc": _now_text(), "status": "PENDING",
            "reconciliationId": secrets.token_hex(8).upper(),
            "clientReferenceInformation": json.loads(request.content).get("clientReferenceInformation", {}),
            "refundAmountDetails": {"refundAmount": f"{amount:.2f}", "currency": currency}})

    return handle


def _signature_valid(config: RestConfig, request: httpx.Request) -> bool:
    params = {}
    for part in request.headers.get("Signature", "").split(","):
        name, _, value = part.strip().partition("=")
        params[name] = value.strip('"')
    names = tuple(params.get("headers", "").split())
    if params.get("keyid") != config.key_id or params.get("algorithm") != ALGORITHM or not names:
        return False
    values = {"host": request.headers.get("Host", ""), "date": request.headers.get("Date", ""),
              "request-target": f"{request.method.lower()} {request.url.raw_path.decode()}",
              "digest": request.headers.get("Digest", ""),
              "v-c-merchant-id": request.headers.get("v-c-merchant-id", "")}
    expected_names = SIGNED_HEADERS if request.content else SIGNED_HEADERS_WITHOUT_BODY
    if names != expected_names or values["v-c-merchant-id"] != config.merchant_id or values["host"] != config.host:
        return False
    if request.content and values["digest"] != body_digest(request.content):
        return False
    try:
        sent = parsedate_to_datetime(values["date"])
    except (TypeError, ValueError):
        return False
    if sent.tzinfo is None or abs(datetime.now(UTC) - sent) > CLOCK_SKEW:
        return False
    return hmac.compare_digest(signature(config.shared_secret, signing_string(values, names)).encode(),
                               params.get("signature", "").encode())


def _error(status_code: int, reason: str, message: str) -> httpx.Response:
    status = "INVALID_REQUEST" if status_code == 400 else reason
    return httpx.Response(status_code, json={"submitTimeUtc": _now_text(), "status": status, "reason": reason,
                                             "message": message})


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
