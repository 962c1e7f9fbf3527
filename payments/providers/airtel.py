"""Airtel Money Open API (Kenya, Uganda): token, USSD push, enquiry, callback and refund (payments.md §3).

Our `transaction.id` (the attempt's reference) is Airtel's key for the push, the enquiry and the
callback; Airtel refuses a reused one, so a repeated push cannot charge twice. The enquiry is the
authority on the outcome: a callback, hashed or not, is a hint the caller confirms with `status`.
"""
import base64
import hashlib
import hmac
import itertools
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.cache import cache

from payments import http
from payments.providers.base import (
    CallbackInvalid, CallbackUnauthenticated, ProviderError, ProviderResult, PushRequest, PushStarted, ResultStatus,
)

UAT_BASE_URL = "https://openapiuat.airtel.africa/"
LIVE_BASE_URL = "https://openapi.airtel.africa/"
CURRENCIES = {"KE": "KES", "UG": "UGX"}
CALLING_CODES = {"KE": "254", "UG": "256"}
NATIONAL_NUMBER_DIGITS = 9
TOKEN_PATH = "/auth/oauth2/token"
PUSH_PATH = "/merchant/v1/payments/"
ENQUIRY_PATH = "/standard/v1/payments/{reference}"
REFUND_PATH = "/standard/v1/payments/refund"
TOKEN_MARGIN_SECONDS = 30
STATUSES = {"TS": ResultStatus.SUCCEEDED, "TF": ResultStatus.FAILED,
            "TIP": ResultStatus.PENDING, "TA": ResultStatus.PENDING}  # TA is ambiguous: keep asking
SUCCEEDED = "TS"
AMBIGUOUS = "DP00800001000"
NOT_FOUND = "DP00800001025"
# A request that failed this way never reached Airtel, so even a push may be sent again.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class AirtelConfig:
    country: str                                    # KE | UG: the X-Country header and the subscriber's country
    currency: str                                   # KES | UGX
    base_url: str = UAT_BASE_URL
    client_id: str = "sandbox"
    client_secret: str = field(default="sandbox", repr=False)
    callback_key: str = field(default="", repr=False)  # callback-authentication private key; "" = `hash` not checked
    sandbox: bool = True

    def __post_init__(self):
        if CURRENCIES.get(self.country) != self.currency:
            raise ValueError(f"Airtel Money does not collect {self.currency!r} in {self.country!r}")


def airtel_config_from_settings(country: str) -> AirtelConfig:
    country = country.upper()
    if country not in CURRENCIES:
        raise ValueError(f"Airtel Money is not offered in {country!r}")
    return AirtelConfig(
        country=country, currency=CURRENCIES[country],
        base_url=getattr(settings, "AIRTEL_BASE_URL", UAT_BASE_URL),
        client_id=getattr(settings, "AIRTEL_CLIENT_ID", "") or "sandbox",
        client_secret=getattr(settings, "AIRTEL_CLIENT_SECRET", "") or "sandbox",
        callback_key=getattr(settings, "AIRTEL_CALLBACK_KEY", ""),
        sandbox=getattr(settings, "PAYMENTS_MODE", "sandbox") != "live",
    )


def national_number(config: AirtelConfig, phone: str) -> str:
    """The msisdn Airtel wants, without the country code: +254733123456 → 733123456 (also 254…, 0…)."""
    digits = phone.strip().lstrip("+")
    code = CALLING_CODES[config.country]
    if digits.startswith(code):
        digits = digits[len(code):]
    elif digits.startswith("0"):
        digits = digits[1:]
    if not (digits.isdigit() and len(digits) == NATIONAL_NUMBER_DIGITS):
        raise ProviderError(f"{phone!r} is not an Airtel {config.country} number", code="airtel_phone_invalid")
    return digits


def whole_units(amount: Decimal) -> int:
    """Airtel takes whole shillings: a fraction is rounded up, never charged short."""
    units = int(Decimal(amount).to_integral_value(rounding=ROUND_CEILING))
    if units < 1:
        raise ProviderError(f"cannot collect {amount}", code="airtel_amount_invalid")
    return units


def callback_hash(key: str, transaction_json: str | bytes) -> str:
    """base64(HMAC-SHA256(key, the callback's "transaction" object as sent)): our reading of §3.4."""
    message = transaction_json.encode() if isinstance(transaction_json, str) else transaction_json
    return base64.b64encode(hmac.new(key.encode(), message, hashlib.sha256).digest()).decode()


def access_token(config: AirtelConfig, *, client: httpx.Client | None = None) -> str:
    """A bearer token shared through the cache by every process until shortly before it expires."""
    key = _token_key(config)
    token = cache.get(key)
    if token:
        return token
    with _client(config, client) as airtel:
        response = _send(airtel, "POST", TOKEN_PATH, once=False, headers={"Accept": "*/*"},
                         json={"client_id": config.client_id, "client_secret": config.client_secret,
                               "grant_type": "client_credentials"})
    answer = _json(response)
    token = answer.get("access_token")
    if not response.is_success or not isinstance(token, str) or not token:
        raise ProviderError(f"Airtel token refused ({response.status_code})", code="airtel_auth_failed",
                            retryable=response.status_code >= 500)
    lifetime = _seconds(answer.get("expires_in"))
    timeout = max(lifetime - TOKEN_MARGIN_SECONDS, lifetime // 2)
    if timeout > 0:
        cache.set(key, token, timeout=timeout)
    return token


def push(config: AirtelConfig, request: PushRequest, *, client: httpx.Client | None = None) -> PushStarted:
    """Send the USSD PIN prompt (§3.2). Success means only that the prompt was started.

    ProviderError codes: `airtel_unavailable` (never reached Airtel: push again with the same
    reference), `airtel_outcome_unknown` (timeout, 5xx, ambiguous answer: the prompt may be on the
    phone, so ask `status(reference)` before anything else; a push with the same reference is
    refused by Airtel and cannot charge twice), `airtel_refused`, `airtel_phone_invalid`,
    `airtel_amount_invalid`, `airtel_currency_mismatch`. The callback URL is set in Airtel's
    application settings, not per request, so `request.callback_url` is not sent.
    """
    if request.currency != config.currency:
        raise ProviderError(f"Airtel {config.country} collects {config.currency}, not {request.currency}",
                            code="airtel_currency_mismatch")
    body = {
        "reference": f"Order {request.order_number}",
        "subscriber": {"country": config.country, "currency": config.currency,
                       "msisdn": national_number(config, request.phone)},
        "transaction": {"amount": whole_units(request.amount), "country": config.country,
                        "currency": config.currency, "id": request.reference},
    }
    with _client(config, client) as airtel:
        response = _authorised(config, airtel, "POST", PUSH_PATH, once=True, body=body)
    answer = _json(response)
    _raise_unless_accepted(response, answer, what="push", once=True)
    return PushStarted(provider_reference=request.reference, raw=answer)


def status(config: AirtelConfig, reference: str, *, client: httpx.Client | None = None) -> ProviderResult:
    """What Airtel's enquiry (§3.3) says now: TS succeeded (receipt = airtel_money_id), TF failed,
    TIP and TA pending. `status.success` is not trusted (the documented TS sample has it false);
    the answer carries no amount or currency. ProviderError `airtel_not_found` when Airtel has no
    such transaction."""
    with _client(config, client) as airtel:
        response = _authorised(config, airtel, "GET", ENQUIRY_PATH.format(reference=quote(reference, safe="")),
                               once=False)
    answer = _json(response)
    transaction = _dict(_dict(answer.get("data")).get("transaction"))
    code = transaction.get("status")
    if response.is_success and code in STATUSES:
        receipt = transaction.get("airtel_money_id")
        if code == SUCCEEDED and not (isinstance(receipt, str) and receipt):
            raise ProviderError("Airtel enquiry: TS without airtel_money_id", code="airtel_bad_response",
                                retryable=True)
        return ProviderResult(provider_reference=reference, status=STATUSES[code],
                              receipt=receipt if code == SUCCEEDED else None,
                              description=str(transaction.get("message") or ""), raw=answer)
    if response.status_code == 404 or _dict(answer.get("status")).get("response_code") == NOT_FOUND:
        raise ProviderError(f"Airtel has no transaction {reference!r}", code="airtel_not_found")
    _raise_unless_accepted(response, answer, what="enquiry", once=False)
    raise ProviderError(f"Airtel enquiry: unexpected status {code!r}", code="airtel_bad_response", retryable=True)


def callback_parse(config: AirtelConfig, body: bytes) -> ProviderResult:
    """Read a callback (§3.4); intermediate (TIP, TA) and final (TS, TF) ones arrive alike.

    With `config.callback_key` set, a callback must carry `hash` = base64(HMAC-SHA256(key, the
    "transaction" object's JSON exactly as received)), else CallbackUnauthenticated; without a key
    `hash` is ignored. Even so a callback is a hint: money is credited only after `status` says TS
    (the caller re-asks). An unreadable body raises CallbackInvalid.
    """
    try:
        text = body.decode("utf-8")
        payload = json.loads(text)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise CallbackInvalid(f"not an Airtel callback: {exc}") from exc
    transaction = payload.get("transaction") if isinstance(payload, dict) else None
    if not isinstance(transaction, dict):
        raise CallbackInvalid("an Airtel callback without a transaction object")
    if config.callback_key:
        _verify_hash(config.callback_key, text, payload.get("hash"))
    reference, code = transaction.get("id"), transaction.get("status_code")
    receipt = transaction.get("airtel_money_id")
    if not (isinstance(reference, str) and reference) or code not in STATUSES:
        raise CallbackInvalid(f"an Airtel callback without id or with status_code {code!r}")
    if code == SUCCEEDED and not (isinstance(receipt, str) and receipt):
        raise CallbackInvalid("a TS callback without airtel_money_id")
    return ProviderResult(provider_reference=reference, status=STATUSES[code],
                          receipt=receipt if code == SUCCEEDED else None,
                          description=str(transaction.get("message") or ""), raw=payload)


def refund(config: AirtelConfig, airtel_money_id: str, *, client: httpx.Client | None = None) -> dict:
    """Refund a collection (§3.5) and return Airtel's answer. Not repeated after a timeout or a 5xx
    (`airtel_outcome_unknown`): find out whether the first went through before refunding again."""
    with _client(config, client) as airtel:
        response = _authorised(config, airtel, "POST", REFUND_PATH, once=True,
                               body={"transaction": {"airtel_money_id": airtel_money_id}})
    answer = _json(response)
    _raise_unless_accepted(response, answer, what="refund", once=True)
    return answer


# --- HTTP -------------------------------------------------------------------------------------

@contextmanager
def _client(config: AirtelConfig, client: httpx.Client | None) -> Iterator[httpx.Client]:
    if client is not None:
        yield client
        return
    handler = sandbox_handler(config) if config.sandbox else None
    with http.provider_client(base_url=config.base_url, sandbox_handler=handler) as own:
        yield own


def _token_key(config: AirtelConfig) -> str:
    return "airtel:token:" + hashlib.sha256(f"{config.base_url}\n{config.client_id}".encode()).hexdigest()


def _headers(config: AirtelConfig, token: str) -> dict:
    return {"Content-Type": "application/json", "Accept": "*/*", "X-Country": config.country,
            "X-Currency": config.currency, "Authorization": f"Bearer {token}"}


def _authorised(config: AirtelConfig, client: httpx.Client, method: str, path: str, *, once: bool,
                body: dict | None = None) -> httpx.Response:
    """One call with the cached token; a refused token (401: nothing was done) is replaced once."""
    response = _send(client, method, path, once=once, json=body,
                     headers=_headers(config, access_token(config, client=client)))
    if response.status_code == 401:
        cache.delete(_token_key(config))
        response = _send(client, method, path, once=once, json=body,
                         headers=_headers(config, access_token(config, client=client)))
    return response


def _send(client: httpx.Client, method: str, path: str, *, once: bool, **kwargs) -> httpx.Response:
    """`once`: the request must not run twice (push, refund), so only a request that never left is
    sent again; others get `payments.http.send`'s retries (connection errors, 5xx)."""
    for attempt in itertools.count(1):
        try:
            return http.send(client, method, path, retry=not once, **kwargs)
        except NOT_SENT as exc:
            if not once or attempt > http.RETRIES:
                raise ProviderError(f"Airtel unreachable: {exc!r}", code="airtel_unavailable",
                                    retryable=True) from exc
        except httpx.TransportError as exc:
            raise ProviderError(f"Airtel {method} {path}: {exc!r}", retryable=True,
                                code="airtel_outcome_unknown" if once else "airtel_unavailable") from exc
        time.sleep(http.RETRY_BACKOFF_SECONDS * attempt)
    raise AssertionError("unreachable")


def _raise_unless_accepted(response: httpx.Response, answer: dict, *, what: str, once: bool) -> None:
    outcome = _dict(answer.get("status"))
    message = (f"Airtel {what}: HTTP {response.status_code} {outcome.get('response_code') or ''} "
               f"{outcome.get('message') or ''}").strip()
    unknown = response.status_code >= 500 or outcome.get("response_code") == AMBIGUOUS or (
        response.is_success and not outcome)
    if unknown:
        raise ProviderError(message, retryable=True, code="airtel_outcome_unknown" if once else "airtel_unavailable")
    if response.status_code == 429:
        raise ProviderError(message, code="airtel_unavailable", retryable=True)
    if response.status_code == 401:
        raise ProviderError(message, code="airtel_auth_failed")
    if not response.is_success or outcome.get("success") is not True:
        raise ProviderError(message, code="airtel_refused")


def _json(response: httpx.Response) -> dict:
    try:
        return _dict(response.json())
    except ValueError:
        return {}


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _seconds(value) -> int:
    """`expires_in` arrives as a string ("180"); unreadable means do not reuse the token."""
    try:
        return int(str(value))
    except ValueError:
        return 0


# --- callback hash ------------------------------------------------------------------------------

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def _verify_hash(key: str, text: str, received) -> None:
    if not (isinstance(received, str) and received):
        raise CallbackUnauthenticated("an Airtel callback without its hash")
    transaction = _raw_member(text, "transaction")
    if transaction is None:
        transaction = json.dumps(json.loads(text)["transaction"], separators=(",", ":"), ensure_ascii=False)
    if not hmac.compare_digest(callback_hash(key, transaction).encode(), received.encode()):
        raise CallbackUnauthenticated("the Airtel callback hash does not match")


def _raw_member(text: str, name: str) -> str | None:
    """The JSON text of the top-level member `name` exactly as received (the last one, as json.loads
    keeps), or None."""
    def skip(i: int) -> int:
        return _SPACE.match(text, i).end()

    found = None
    try:
        i = skip(0)
        if not text.startswith("{", i):
            return None
        i = skip(i + 1)
        while not text.startswith("}", i):
            key, i = _DECODER.raw_decode(text, i)
            i = skip(i)
            if not text.startswith(":", i):
                return None
            start = skip(i + 1)
            _, i = _DECODER.raw_decode(text, start)
            if key == name:
                found = text[start:i]
            i = skip(i)
            if not text.startswith(",", i):
                break
            i = skip(i + 1)
    except (ValueError, RecursionError):
        return None
    return found


# --- sandbox ------------------------------------------------------------------------------------

def sandbox_handler(config: AirtelConfig):
    """Answers token, push, enquiry and refund as Airtel does, offline. It checks the headers, the
    bearer token, that msisdn has no country code and that each transaction.id is new; the enquiry
    says what `sandbox_outcome_set` recorded for the transaction, else TS unless the msisdn ends in
    0001 (TF), 0002 (TA) or 0003 (TIP forever)."""
    from payments.providers import airtel_sandbox  # it builds on this module

    return airtel_sandbox.handler(config)


def sandbox_callback(config: AirtelConfig, reference: str, *, status_code: str = "TS",
                     airtel_money_id: str | None = None) -> bytes:
    """The callback Airtel would POST for this attempt (§3.4), hashed by `callback_hash` when a
    callback key is set. A callback does not change what the sandbox's enquiry says (a forged one
    would not either): `sandbox_outcome_set` does."""
    from payments.providers import airtel_sandbox

    return airtel_sandbox.callback(config, reference, status_code=status_code, airtel_money_id=airtel_money_id)


def sandbox_outcome_set(config: AirtelConfig, reference: str, status_code: str) -> None:
    """The payer answered the sandbox's prompt: its enquiry says `status_code` (TS, TF, TIP, TA)
    for `reference` from now on, whatever the msisdn."""
    from payments.providers import airtel_sandbox

    airtel_sandbox.outcome_set(config, reference, status_code)
