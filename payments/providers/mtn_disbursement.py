"""MTN MoMo Open API, Disbursement (Uganda): refund a collection.

Refunds are MTN's Disbursement product, with its own subscription key and API user:
`POST /disbursement/v1_0/refund` (202) names the collection by `referenceIdToRefund` (the
request to pay's X-Reference-Id) and the refund by our UUID4 `X-Reference-Id`; MTN refuses a
reused one with 409, so sending again is safe. `GET /disbursement/v1_0/refund/{referenceId}`
says PENDING, SUCCESSFUL or FAILED. Token, credentials and the answers every MTN product shares
live in `mtn_api`.
"""
import json
from decimal import Decimal, InvalidOperation

import httpx
from django.core.cache import cache

from payments.providers import mtn, mtn_api
from payments.providers.base import ProviderError, RefundRequest, RefundResult, ResultStatus
from payments.providers.mtn_api import ALREADY_EXISTS, MtnConfig

REFUND_PATH = "/disbursement/v1_0/refund"
STATUSES = {"SUCCESSFUL": ResultStatus.SUCCEEDED, "FAILED": ResultStatus.FAILED, "PENDING": ResultStatus.PENDING}


def disbursement_config_from_settings() -> MtnConfig:
    """The Disbursement product from settings; in sandbox mode missing credentials fall back to placeholders."""
    return mtn_api.config_from_settings(DISBURSEMENT)


def refund_body(request: RefundRequest) -> dict:
    return {
        "amount": mtn_api.whole_units(request.amount, verb="refunds"), "currency": request.currency,
        "externalId": request.order_number,
        "payerMessage": mtn_api.message(f"Refund of order {request.order_number}"),
        "payeeNote": mtn_api.message(f"Mookh refund for order {request.order_number}"),
        "referenceIdToRefund": _uuid4(request.collection_reference, "referenceIdToRefund"),
    }


def refund(config: MtnConfig, request: RefundRequest, *, client: httpx.Client | None = None) -> RefundResult:
    """Refund (part of) the collection `request.collection_reference`, then ask how it went.

    202, or 409 RESOURCE_ALREADY_EXIST (an earlier try of this reference got through), is followed
    by the status query. ProviderError: retryable for 5xx and unreachable hosts (send again with
    the same reference), not retryable when MTN refuses the request."""
    reference = _uuid4(request.reference, "X-Reference-Id")
    try:
        body = refund_body(request)
    except ValueError as exc:
        raise ProviderError(f"MTN MoMo cannot refund this payment: {exc}", code="mtn_refund_invalid") from exc
    with mtn_api.client_for(DISBURSEMENT, config, client) as http:
        response = mtn_api.authorised(DISBURSEMENT, config, http, "POST", REFUND_PATH,
                                      content=json.dumps(body).encode(),
                                      headers={"X-Reference-Id": reference, "Content-Type": "application/json"})
        error = mtn_api.response_json(response)
        if response.status_code != 202 and not (response.status_code == 409 and error.get("code") == ALREADY_EXISTS):
            raise mtn_api.provider_error("refund", response, error)
        return status(config, reference, client=http)


def status(config: MtnConfig, reference: str, *, client: httpx.Client | None = None) -> RefundResult:
    """What MTN says now about the refund `reference`; 404 (never registered) reads as failed."""
    reference = _uuid4(reference, "X-Reference-Id")
    with mtn_api.client_for(DISBURSEMENT, config, client) as http:
        response = mtn_api.authorised(DISBURSEMENT, config, http, "GET", f"{REFUND_PATH}/{reference}")
    data = mtn_api.response_json(response)
    if response.status_code == 404:
        return RefundResult(status=ResultStatus.FAILED, provider_reference=reference,
                            description="MTN has no such refund", raw=data)
    if response.status_code != 200 or data.get("status") not in STATUSES:
        raise mtn_api.provider_error("refund status", response, data)
    state = STATUSES[data["status"]]
    receipt = str(data.get("financialTransactionId") or "") if state == ResultStatus.SUCCEEDED else ""
    reason = mtn_api.failure_reason(data.get("reason")) if state == ResultStatus.FAILED else ""
    return RefundResult(status=state, provider_reference=reference, receipt=receipt, description=reason, raw=data)


def _uuid4(value: str, name: str) -> str:
    if not mtn_api.is_uuid4(value):
        raise ValueError(f"{name} {value!r} is not a UUID4.")
    return value


# --- sandbox: MTN's Disbursement refunds answered offline -----------------------------------------

SANDBOX_TTL_SECONDS = 7 * 24 * 3600


def sandbox_handler(config: MtnConfig):
    """Token, refund (202; 409 for a reused X-Reference-Id; 404 when the collection is unknown to
    the Collection sandbox) and refund status. A refund is SUCCESSFUL unless it asks for more than
    the collection has left to refund (FAILED, NOT_ALLOWED), or PENDING at first for a collection
    `sandbox_refunds_delay` names; every process shares it (the cache)."""
    return mtn_api.sandbox_handler(DISBURSEMENT, config)


def _sandbox_refund(request: httpx.Request) -> httpx.Response:
    reference = request.headers.get("X-Reference-Id", "")
    try:
        _uuid4(reference, "X-Reference-Id")
        body = json.loads(request.content or b"{}")
        collection = _uuid4(body.get("referenceIdToRefund"), "referenceIdToRefund")
        amount = Decimal(body["amount"]) if isinstance(body.get("amount"), str) and body["amount"].isdigit() else None
    except (ValueError, TypeError, AttributeError, InvalidOperation):
        return mtn_api.sandbox_error(400, "BAD_REQUEST", "The refund body is not valid.")
    if (amount is None or amount <= 0 or not isinstance(body.get("currency"), str)
            or not mtn_api.sandbox_messages_valid(body)):
        return mtn_api.sandbox_error(400, "BAD_REQUEST", "The refund body is not valid.")
    collected = mtn.sandbox_collected(collection)
    if collected is None:
        return mtn_api.sandbox_error(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.")
    if cache.get(_refund_key(reference)) is not None:
        return mtn_api.sandbox_error(409, ALREADY_EXISTS, "Duplicated reference id. Creation of resource failed.")
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
        return mtn_api.sandbox_error(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.")
    if body["status"] == "DELAYED":
        body = {**body, "status": "PENDING"}
        cache.set(_refund_key(reference), {**body, "status": "SUCCESSFUL"}, timeout=SANDBOX_TTL_SECONDS)
    data = {"amount": body["amount"], "currency": body["currency"], "externalId": body.get("externalId", ""),
            "payee": {"partyIdType": "MSISDN", "partyId": body["payer"]},
            "payerMessage": body.get("payerMessage", ""), "payeeNote": body.get("payeeNote", ""),
            "status": body["status"]}
    if body["status"] == "SUCCESSFUL":
        data["financialTransactionId"] = mtn_api.sandbox_transaction_id(reference)
    else:
        data["reason"] = "NOT_ALLOWED"
    return httpx.Response(200, json=data)


def _refund_key(reference: str) -> str:
    return f"payments:mtn:disbursement:sandbox:refund:{reference}"


def _delayed_key(collection_reference: str) -> str:
    return f"payments:mtn:disbursement:sandbox:delayed:{collection_reference}"


# The product: defined last, as it names the sandbox answers above.
DISBURSEMENT = mtn_api.MtnProduct(
    path_prefix="disbursement",
    resource_path=REFUND_PATH,
    settings_prefix="MTN_DISBURSEMENT_",
    cache_namespace="payments:mtn:disbursement",
    live_use="refunds",
    sandbox_subscription_key="sandbox-disbursement-subscription-key",
    sandbox_api_user="7b2c4a1e-9f3d-4e8a-b6c5-2d1f0e9a8b7c",
    sandbox_api_key="sandbox-disbursement-api-key",
    sandbox_create=_sandbox_refund,
    sandbox_status=_sandbox_status,
)
