"""MTN MoMo Open API, Collection (Uganda): request-to-pay, its status, and its callback.

Our UUID4 `X-Reference-Id` names an attempt everywhere: MTN refuses a reused one with 409, so
repeating the POST is safe. MTN sends the callback once, unsigned and without retries: it is a
hint, and the status query (`status`) is the truth, also for attempts whose callback never came.
Token, credentials and the answers every MTN product shares live in `mtn_api`.
"""
import json
import re
from decimal import Decimal, InvalidOperation

import httpx
from django.core.cache import cache

from payments.providers import mtn_api
from payments.providers.base import (
    CallbackInvalid, ProviderError, ProviderResult, PushRequest, PushStarted, ResultStatus,
)
from payments.providers.mtn_api import ALREADY_EXISTS, MtnConfig

REQUEST_TO_PAY_PATH = "/collection/v1_0/requesttopay"
_MSISDN = re.compile(r"^\+?([1-9]\d{6,14})$")


def mtn_config_from_settings() -> MtnConfig:
    """The Collection product from settings; in sandbox mode missing credentials fall back to placeholders."""
    return mtn_api.config_from_settings(COLLECTION)


def request_to_pay(config: MtnConfig, request: PushRequest, *, client: httpx.Client | None = None) -> PushStarted:
    """Ask the payer's phone for `request.amount`; `request.reference` (a UUID4) becomes X-Reference-Id.

    202 starts the attempt; 409 RESOURCE_ALREADY_EXIST means an earlier try of this same reference
    got through, so it counts as started too. Anything else raises ProviderError (retryable for
    5xx and unreachable hosts: retry with the same reference).
    """
    reference = _reference(request.reference)
    body = {
        "amount": _whole_units(request.amount),
        "currency": request.currency,
        "externalId": request.order_number,
        "payer": {"partyIdType": "MSISDN", "partyId": _msisdn(request.phone)},
        "payerMessage": mtn_api.message(f"Tickets {request.order_number}"),
        "payeeNote": mtn_api.message(f"Mookh order {request.order_number}"),
    }
    headers = {"X-Reference-Id": reference, "Content-Type": "application/json"}
    if request.callback_url:
        headers["X-Callback-Url"] = request.callback_url
    with mtn_api.client_for(COLLECTION, config, client) as http:
        response = mtn_api.authorised(COLLECTION, config, http, "POST", REQUEST_TO_PAY_PATH, headers=headers,
                                      content=json.dumps(body).encode())
    if response.status_code == 202:
        return PushStarted(provider_reference=reference)
    error = mtn_api.response_json(response)
    if response.status_code == 409 and error.get("code") == ALREADY_EXISTS:
        return PushStarted(provider_reference=reference, raw=error)
    raise mtn_api.provider_error("request to pay", response, error)


def status(config: MtnConfig, reference: str, *, client: httpx.Client | None = None) -> ProviderResult:
    """What MTN says now about the attempt `reference`; 404 (never registered) reads as failed."""
    reference = _reference(reference)
    with mtn_api.client_for(COLLECTION, config, client) as http:
        response = mtn_api.authorised(COLLECTION, config, http, "GET", f"{REQUEST_TO_PAY_PATH}/{reference}")
    if response.status_code == 404:
        return ProviderResult(provider_reference=reference, status=ResultStatus.FAILED, description="not found",
                              raw=mtn_api.response_json(response))
    if response.status_code != 200:
        raise mtn_api.provider_error("status query", response, mtn_api.response_json(response))
    try:
        return _result(reference, _decode(response.content))
    except CallbackInvalid as exc:
        raise ProviderError(f"MTN status answer unreadable: {exc}", code="mtn_bad_answer", retryable=True) from exc


def callback_parse(body: bytes, *, reference: str | None = None) -> ProviderResult:
    """Read the status object MTN PUTs or POSTs to X-Callback-Url; raises CallbackInvalid if malformed.

    The callback is unsigned, so anyone can send one: never credit from it. Re-query with `status`
    and credit from that answer. The body may not name the attempt, so give each attempt a callback
    URL that carries its reference and pass it as `reference`; a `referenceId` in the body is used
    only when none is given.
    """
    data = _decode(body)
    reference = reference or data.get("referenceId")
    if not isinstance(reference, str):
        raise CallbackInvalid("The callback names no X-Reference-Id.")
    try:
        reference = _reference(reference)
    except ValueError as exc:
        raise CallbackInvalid(str(exc)) from exc
    return _result(reference, data)


def _result(reference: str, data: dict) -> ProviderResult:
    state = data.get("status")
    if state == "SUCCESSFUL":
        receipt, currency = data.get("financialTransactionId"), data.get("currency")
        amount = _amount(data.get("amount"))
        if not receipt or not isinstance(currency, str) or amount is None:
            raise CallbackInvalid("A successful payment needs amount, currency and financialTransactionId.")
        return ProviderResult(provider_reference=reference, status=ResultStatus.SUCCEEDED, amount=amount,
                              currency=currency, receipt=str(receipt), raw=data)
    if state == "FAILED":
        return ProviderResult(provider_reference=reference, status=ResultStatus.FAILED,
                              amount=_amount(data.get("amount")), currency=str(data.get("currency") or "") or None,
                              description=mtn_api.failure_reason(data.get("reason")), raw=data)
    if state == "PENDING":
        return ProviderResult(provider_reference=reference, status=ResultStatus.PENDING, raw=data)
    raise CallbackInvalid(f"Unknown request-to-pay status {state!r}.")


def _decode(body: bytes) -> dict:
    try:
        data = json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError, TypeError):
        raise CallbackInvalid("The body is not JSON.") from None
    if not isinstance(data, dict):
        raise CallbackInvalid("The body is not a JSON object.")
    return data


def _amount(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _reference(reference: str) -> str:
    if not mtn_api.is_uuid4(reference):
        raise ValueError(f"{reference!r} is not a UUID4 X-Reference-Id.")
    return reference


def _whole_units(amount: Decimal) -> str:
    return mtn_api.whole_units(amount, verb="collects")


def _msisdn(phone: str) -> str:
    match = _MSISDN.match((phone or "").strip())
    if not match:
        raise ValueError(f"{phone!r} is not an E.164 number.")
    return match.group(1)


# The offline sandbox: MTN's sandbox behaviour answered in-process, so the code above runs unchanged.

SANDBOX_TTL_SECONDS = 24 * 3600
# The real sandbox's magic payer numbers (any other number pays): status and reason they lead to.
SANDBOX_PAYER_OUTCOMES = {
    "46733123450": ("FAILED", "INTERNAL_PROCESSING_ERROR"),
    "46733123451": ("FAILED", "APPROVAL_REJECTED"),
    "46733123452": ("FAILED", "EXPIRED"),
    "46733123453": ("PENDING", None),            # ongoing: never finishes
    "46733123454": ("DELAYED", None),            # pending at the first query, successful afterwards
    "46733123455": ("FAILED", "PAYER_NOT_FOUND"),
    "46733123456": ("FAILED", "PAYEE_NOT_ALLOWED_TO_RECEIVE"),
    "46733123457": ("FAILED", "NOT_ALLOWED"),
    "46733123458": ("FAILED", "NOT_ALLOWED_TARGET_ENVIRONMENT"),
    "46733123459": ("FAILED", "INVALID_CALLBACK_URL_HOST"),
    "46733123460": ("FAILED", "INVALID_CURRENCY"),
    "46733123461": ("FAILED", "INTERNAL_PROCESSING_ERROR"),
    "46733123462": ("FAILED", "SERVICE_UNAVAILABLE"),
    "46733123463": ("FAILED", "COULD_NOT_PERFORM_TRANSACTION"),
}


def sandbox_handler(config: MtnConfig):
    """An httpx handler answering token, request-to-pay (202, or 409 for a reused X-Reference-Id) and
    status queries as MTN's sandbox does (by the payer's magic number, or as `sandbox_outcome_set`
    says). Requests live in the cache, so every process sees them."""
    return mtn_api.sandbox_handler(COLLECTION, config)


def sandbox_callback(reference: str, *, status: str = "SUCCESSFUL", amount: Decimal, currency: str,
                     payer: str, external_id: str = "", reason: str = "INTERNAL_PROCESSING_ERROR") -> bytes:
    """The body MTN sends to X-Callback-Url for `reference`: the status object, as a status query shows it.
    It does not change what the sandbox's status query says (a forged one would not either):
    `sandbox_outcome_set` does."""
    remembered = cache.get(_sandbox_key(reference)) or {}
    return json.dumps(_sandbox_status_object(
        reference, status=status, reason=reason, amount=_whole_units(amount), currency=currency,
        party_id=_msisdn(payer), external_id=remembered.get("externalId", external_id),
        payer_message=remembered.get("payerMessage", ""), payee_note=remembered.get("payeeNote", ""),
    )).encode()


def sandbox_outcome_set(reference: str, status: str, *, reason: str | None = None, amount: Decimal | None = None,
                        currency: str | None = None) -> None:
    """The payer answered the sandbox's prompt `reference`: its status query says `status`
    (SUCCESSFUL, FAILED, PENDING) from now on, whatever the payer number, with `amount` and
    `currency` when given (else those requested)."""
    if status not in ("SUCCESSFUL", "FAILED", "PENDING"):
        raise ValueError(f"MTN has no request-to-pay status {status!r}.")
    outcome = {"status": status, "reason": reason or ("INTERNAL_PROCESSING_ERROR" if status == "FAILED" else None)}
    if amount is not None:
        outcome["amount"] = format(Decimal(amount).normalize(), "f")
    if currency is not None:
        outcome["currency"] = currency
    cache.set(f"{_sandbox_key(reference)}:outcome", outcome, timeout=SANDBOX_TTL_SECONDS)


def sandbox_collected(reference: str) -> dict | None:
    """What the sandbox's request to pay `reference` collected ({"amount", "currency", "payer"}),
    or None when it collected nothing (unknown, pending or failed). Asks nothing of the status query."""
    body = cache.get(_sandbox_key(reference))
    if body is None:
        return None
    state, _ = SANDBOX_PAYER_OUTCOMES.get(body["payer"]["partyId"], ("SUCCESSFUL", None))
    outcome = cache.get(f"{_sandbox_key(reference)}:outcome") or {}
    if outcome.get("status", state) not in ("SUCCESSFUL", "DELAYED"):
        return None
    return {"amount": Decimal(outcome.get("amount", body["amount"])),
            "currency": outcome.get("currency", body["currency"]), "payer": body["payer"]["partyId"]}


def _sandbox_request_to_pay(request: httpx.Request) -> httpx.Response:
    reference = request.headers.get("X-Reference-Id", "")
    try:
        _reference(reference)
        body = _decode(request.content)
    except (ValueError, CallbackInvalid) as exc:
        return mtn_api.sandbox_error(400, "BAD_REQUEST", str(exc))
    payer = body.get("payer") if isinstance(body.get("payer"), dict) else {}
    if not (isinstance(body.get("amount"), str) and body["amount"].isdigit() and isinstance(body.get("currency"), str)
            and payer.get("partyIdType") == "MSISDN" and str(payer.get("partyId", "")).isdigit()
            and mtn_api.sandbox_messages_valid(body)):
        return mtn_api.sandbox_error(400, "BAD_REQUEST", "The request-to-pay body is not valid.")
    if not cache.add(_sandbox_key(reference), body, timeout=SANDBOX_TTL_SECONDS):
        return mtn_api.sandbox_error(409, ALREADY_EXISTS, "Duplicated reference id. Creation of resource failed.")
    return httpx.Response(202)


def _sandbox_status(reference: str) -> httpx.Response:
    body = cache.get(_sandbox_key(reference))
    if body is None:
        return mtn_api.sandbox_error(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.")
    state, reason = SANDBOX_PAYER_OUTCOMES.get(body["payer"]["partyId"], ("SUCCESSFUL", None))
    outcome = cache.get(f"{_sandbox_key(reference)}:outcome") or {}
    if outcome:
        state, reason = outcome["status"], outcome["reason"]
    if state == "DELAYED":
        polls_key = f"{_sandbox_key(reference)}:polls"
        cache.add(polls_key, 0, timeout=SANDBOX_TTL_SECONDS)
        state = "PENDING" if cache.incr(polls_key) == 1 else "SUCCESSFUL"
    return httpx.Response(200, json=_sandbox_status_object(
        reference, status=state, reason=reason, amount=outcome.get("amount", body["amount"]),
        currency=outcome.get("currency", body["currency"]),
        party_id=body["payer"]["partyId"], external_id=body.get("externalId", ""),
        payer_message=body.get("payerMessage", ""), payee_note=body.get("payeeNote", "")))


def _sandbox_status_object(reference: str, *, status: str, reason: str | None, amount: str, currency: str,
                           party_id: str, external_id: str, payer_message: str, payee_note: str) -> dict:
    data = {"amount": amount, "currency": currency}
    if status == "SUCCESSFUL":
        data["financialTransactionId"] = mtn_api.sandbox_transaction_id(reference)
    data.update({"externalId": external_id, "payer": {"partyIdType": "MSISDN", "partyId": party_id},
                 "payerMessage": payer_message, "payeeNote": payee_note, "status": status})
    if status == "FAILED":
        data["reason"] = reason
    return data


def _sandbox_key(reference: str) -> str:
    return f"payments:mtn:sandbox:requesttopay:{reference}"


# The product: defined last, as it names the sandbox answers above.
COLLECTION = mtn_api.MtnProduct(
    path_prefix="collection",
    resource_path=REQUEST_TO_PAY_PATH,
    settings_prefix="MTN_",
    cache_namespace="payments:mtn",
    live_use="payments",
    # Placeholders that let the offline sandbox run when no credentials are configured.
    sandbox_subscription_key="sandbox-subscription-key",
    sandbox_api_user="0efc4721-b2ec-409c-bcd4-429b4cb8e8e5",
    sandbox_api_key="sandbox-api-key",
    sandbox_create=_sandbox_request_to_pay,
    sandbox_status=_sandbox_status,
)
