"""M-Pesa Daraja Reversal: send a customer's payment back (`POST /mpesa/reversal/v1/request`).

Daraja acknowledges the request at once (ResponseCode "0", a ConversationID) and posts the
outcome later, as a `Result`, to the ResultURL (or to the QueueTimeOutURL when the request timed
out in its queue). A reversal returns a whole transaction: `Amount` is what the receipt carried.
The request is made by an API operator (`Initiator`) whose password, encrypted with Safaricom's
certificate, is the `SecurityCredential` (computed once on the Daraja portal, kept in settings).
"""
import json
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal

import httpx
from django.conf import settings
from django.core.cache import cache

from payments.http import provider_client, send
from payments.providers import mpesa
from payments.providers.base import CallbackInvalid, ProviderError, RefundRequest, RefundResult, ResultStatus

REVERSAL_PATH = "/mpesa/reversal/v1/request"
COMMAND_ID = "TransactionReversal"
RECEIVER_IDENTIFIER_TYPE = "11"  # the organisation that received the payment (Daraja's own spelling: Reciever)
REMARKS_MAX = 100
SUCCESS = "0"
ACCEPTED = "0"
SANDBOX_INITIATOR = "testapi"
SANDBOX_SECURITY_CREDENTIAL = "sandbox-security-credential"
# Unreachable (nothing was sent): safe to send again. A timeout or 5xx may have been accepted.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class ReversalConfig:
    daraja: mpesa.MpesaConfig = field(default_factory=mpesa.MpesaConfig)
    initiator: str = SANDBOX_INITIATOR
    security_credential: str = field(default=SANDBOX_SECURITY_CREDENTIAL, repr=False)


def reversal_config_from_settings() -> ReversalConfig:
    base = mpesa.mpesa_config_from_settings()
    return ReversalConfig(
        daraja=base,
        initiator=getattr(settings, "MPESA_INITIATOR_NAME", "") or (SANDBOX_INITIATOR if base.sandbox else ""),
        security_credential=getattr(settings, "MPESA_SECURITY_CREDENTIAL", "")
        or (SANDBOX_SECURITY_CREDENTIAL if base.sandbox else ""),
    )


def reversal_body(config: ReversalConfig, request: RefundRequest) -> dict:
    """The request Daraja documents: every field, in its own spelling."""
    return {
        "Initiator": config.initiator, "SecurityCredential": config.security_credential, "CommandID": COMMAND_ID,
        "TransactionID": request.payment_reference, "Amount": _whole_shillings(request.amount),
        "ReceiverParty": config.daraja.shortcode, "RecieverIdentifierType": RECEIVER_IDENTIFIER_TYPE,
        "ResultURL": request.result_url, "QueueTimeOutURL": request.timeout_url,
        "Remarks": _remarks(request)[:REMARKS_MAX], "Occasion": request.order_number or request.payment_reference,
    }


def _remarks(request: RefundRequest) -> str:
    """An order's refund names the order; money that no order took (no order number) names its receipt."""
    if request.order_number:
        return f"Refund of order {request.order_number}"
    return f"Refund of payment {request.payment_reference}"


def reverse(config: ReversalConfig, request: RefundRequest, *, client: httpx.Client | None = None) -> RefundResult:
    """Ask Daraja to reverse `request.payment_reference`: PENDING with the ConversationID the
    Result will name. Sent once: ProviderError `mpesa_unreachable` (retryable: nothing left),
    `mpesa_outcome_unknown` (a timeout or 5xx: the reversal may be under way), or Daraja's
    errorCode when it refuses (not retryable)."""
    if request.amount != request.payment_amount:
        raise ProviderError(f"M-Pesa reverses a whole payment ({request.payment_amount}), not {request.amount}",
                            code="mpesa_partial_reversal")
    client = client or _client(config)
    body = reversal_body(config, request)
    try:  # nothing is asked before the token: a failure here is safe to try again unless Daraja refused it
        token = mpesa.access_token(config.daraja, client=client)
    except ProviderError as exc:
        raise ProviderError(f"M-Pesa token: {exc}", code=exc.code, retryable=exc.retryable) from exc
    except httpx.TransportError as exc:
        raise ProviderError(f"M-Pesa token: {exc!r}", code="mpesa_unreachable", retryable=True) from exc
    try:
        response = send(client, "POST", REVERSAL_PATH, retry=False, json=body,
                        headers={"Authorization": f"Bearer {token}"})
    except NOT_SENT as exc:
        raise ProviderError(f"M-Pesa unreachable: {exc!r}", code="mpesa_unreachable", retryable=True) from exc
    except httpx.TransportError as exc:
        raise ProviderError(f"M-Pesa reversal: no answer ({exc!r}); the outcome is unknown",
                            code="mpesa_outcome_unknown") from exc
    answer = _json(response)
    if response.status_code >= 500:
        raise ProviderError(f"M-Pesa reversal answered {response.status_code}; the outcome is unknown",
                            code="mpesa_outcome_unknown")
    if response.status_code != 200 or str(answer.get("ResponseCode")) != ACCEPTED:
        raise ProviderError(f"M-Pesa refused the reversal: {answer.get('errorMessage') or answer}",
                            code=str(answer.get("errorCode") or "mpesa_reversal_refused"))
    return RefundResult(status=ResultStatus.PENDING, provider_reference=str(answer.get("ConversationID") or ""),
                        description=str(answer.get("ResponseDescription") or ""), raw=answer)


def result_parse(body: bytes, *, timed_out: bool = False) -> RefundResult:
    """Read a reversal `Result` (ResultURL) or a queue timeout (QueueTimeOutURL): SUCCEEDED with
    the reversal's TransactionID as receipt, or FAILED with Daraja's ResultDesc."""
    try:
        result = json.loads(body)["Result"]
        conversation = str(result["ConversationID"])
        code = str(result["ResultCode"]).strip()
    except (ValueError, KeyError, TypeError) as exc:
        raise CallbackInvalid(f"not a reversal Result: {exc}") from exc
    if not conversation or not code:
        raise CallbackInvalid("a reversal Result without ConversationID or ResultCode")
    description = f"{result.get('ResultDesc') or ''} ({code})".strip()
    if timed_out:
        return RefundResult(status=ResultStatus.FAILED, provider_reference=conversation,
                            description=f"timed out in M-Pesa's queue: {description}", raw=result)
    if code != SUCCESS:
        return RefundResult(status=ResultStatus.FAILED, provider_reference=conversation, description=description,
                            raw=result)
    receipt = str(result.get("TransactionID") or "")
    if not receipt:
        raise CallbackInvalid("a successful reversal Result without TransactionID")
    return RefundResult(status=ResultStatus.SUCCEEDED, provider_reference=conversation, receipt=receipt,
                        description=description, raw=result)


def _whole_shillings(amount: Decimal) -> int:
    whole = Decimal(amount).to_integral_value()
    if whole != amount or whole < 1:
        raise ProviderError(f"M-Pesa reverses whole shillings, not {amount}", code="mpesa_amount_invalid")
    return int(whole)


def _json(response: httpx.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _client(config: ReversalConfig) -> httpx.Client:
    return provider_client(base_url=config.daraja.base_url,
                           sandbox_handler=sandbox_handler(config) if config.daraja.sandbox else None)


# --- sandbox: Daraja's reversal answered offline, in its real formats -----------------------------

SANDBOX_TTL_SECONDS = 7 * 24 * 3600
_REVERSED_KEY = "mpesa:sandbox:reversed:{receipt}"
_CONVERSATION_KEY = "mpesa:sandbox:reversal:{conversation}"
ALREADY_REVERSED = ("R000001", "The transaction has already been reversed.")


def sandbox_handler(config: ReversalConfig):
    """Daraja's token, STK and reversal endpoints offline. A reversal is acknowledged when its
    fields are what Daraja requires (and, for a receipt this sandbox issued, its Amount is the
    receipt's); its Result (`sandbox_result`) then says reversed, or R000001 when the receipt
    was reversed before."""
    stk = mpesa.sandbox_handler(config.daraja)

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path != REVERSAL_PATH:
            return stk(request)
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return httpx.Response(401, json={"errorCode": "404.001.03", "errorMessage": "Invalid Access Token"})
        try:
            body = json.loads(request.content or b"{}")
        except ValueError:
            body = {}
        problem = _sandbox_problem(config, body if isinstance(body, dict) else {})
        if problem:
            return httpx.Response(400, json={"requestId": secrets.token_hex(8), "errorCode": "400.002.02",
                                             "errorMessage": f"Bad Request - Invalid {problem}"})
        conversation = f"AG_{time.strftime('%Y%m%d')}_{secrets.token_hex(10)}"
        originator = f"{secrets.randbelow(10**5)}-{secrets.randbelow(10**8)}-1"
        reversed_before = not cache.add(_REVERSED_KEY.format(receipt=body["TransactionID"]), conversation,
                                        timeout=SANDBOX_TTL_SECONDS)
        cache.set(_CONVERSATION_KEY.format(conversation=conversation), {
            "originator": originator, "receipt": body["TransactionID"], "amount": body["Amount"],
            "shortcode": body["ReceiverParty"], "reversed_before": reversed_before}, timeout=SANDBOX_TTL_SECONDS)
        return httpx.Response(200, json={"OriginatorConversationID": originator, "ConversationID": conversation,
                                         "ResponseCode": ACCEPTED,
                                         "ResponseDescription": "Accept the service request successfully."})

    return handle


def _sandbox_problem(config: ReversalConfig, body: dict) -> str | None:
    if not body.get("Initiator") or not body.get("SecurityCredential"):
        return "Initiator"
    if body.get("CommandID") != COMMAND_ID:
        return "CommandID"
    if str(body.get("ReceiverParty")) != config.daraja.shortcode or body.get("RecieverIdentifierType") != "11":
        return "ReceiverParty"
    if not body.get("TransactionID"):
        return "TransactionID"
    amount = body.get("Amount")
    if not (isinstance(amount, int) and amount >= 1):
        return "Amount"
    carried = mpesa.sandbox_receipt_amount(str(body["TransactionID"]))
    if carried is not None and Decimal(amount) != carried:
        return "Amount"
    if not (str(body.get("ResultURL", "")).startswith("http") and str(body.get("QueueTimeOutURL", "")).startswith(
            "http")):
        return "ResultURL"
    if not 2 <= len(str(body.get("Remarks", ""))) <= REMARKS_MAX:
        return "Remarks"
    return None


def sandbox_result(conversation_id: str) -> bytes | None:
    """The Result Daraja would post to the ResultURL for this reversal, or None for one this
    sandbox never acknowledged."""
    known = cache.get(_CONVERSATION_KEY.format(conversation=conversation_id))
    if known is None:
        return None
    result = {"ResultType": 0, "OriginatorConversationID": known["originator"], "ConversationID": conversation_id,
              "ReferenceData": {"ReferenceItem": {"Key": "QueueTimeoutURL",
                                                 "Value": "https://internalsandbox.safaricom.co.ke/mpesa/"
                                                          "reversalresults/v1/submit"}}}
    if known["reversed_before"]:
        code, description = ALREADY_REVERSED
        result.update({"ResultCode": code, "ResultDesc": description, "TransactionID": _receipt()})
    else:
        result.update({"ResultCode": 0, "ResultDesc": "The service request is processed successfully.",
                       "TransactionID": _receipt(), "ResultParameters": {"ResultParameter": [
                           {"Key": "DebitAccountBalance", "Value": "Utility Account|KES|0.00|0.00|0.00|0.00"},
                           {"Key": "Amount", "Value": f"{known['amount']}.00"},
                           {"Key": "TransCompletedTime", "Value": mpesa.timestamp()},
                           {"Key": "OriginalTransactionID", "Value": known["receipt"]},
                           {"Key": "Charge", "Value": "0.00"},
                           {"Key": "CreditPartyPublicName", "Value": "254708374149 - John Doe"},
                           {"Key": "DebitPartyPublicName", "Value": f"{known['shortcode']} - Mookh"}]}})
    return json.dumps({"Result": result}).encode()


def _receipt() -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))
