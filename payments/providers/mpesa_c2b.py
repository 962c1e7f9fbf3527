"""M-Pesa paybill (C2B, payments.md §1.9): a customer pays our shortcode from their phone and
types an account number; Daraja asks our Validation URL (when Safaricom enabled external
validation) and then posts the Confirmation.

Both bodies have the same shape, every value a string: TransAmount "10", TransTime in East
Africa Time, MSISDN masked. TransID is the money's receipt. Nothing is signed: the routes carry
a secret path token. Registering the two URLs is a Daraja call like the others (token, then
POST), answered offline in sandbox mode.
"""
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

import httpx

from payments.http import provider_client, send
from payments.providers import mpesa
from payments.providers.base import CallbackInvalid, ProviderError

REGISTER_PATH = "/mpesa/c2b/v2/registerurl"
RESPONSE_TYPES = ("Completed", "Cancelled")
# Daraja refuses registered URLs that contain any of these words.
FORBIDDEN_URL_WORDS = ("mpesa", "safaricom", "sql", "query", "exec", "cmd")

# Validation replies: ResultCode is a string here; the confirmation's ack has an integer.
ACCEPTED = "0"
INVALID_MSISDN = "C2B00011"
INVALID_ACCOUNT = "C2B00012"
INVALID_AMOUNT = "C2B00013"
INVALID_KYC = "C2B00014"
INVALID_SHORTCODE = "C2B00015"
OTHER_ERROR = "C2B00016"
CONFIRMATION_ACK = {"ResultCode": 0, "ResultDesc": "Success"}

TRANS_ID = re.compile(r"[A-Za-z0-9]{1,40}")
TRANS_TIME_FORMAT = "%Y%m%d%H%M%S"
AMOUNT_LIMIT = Decimal("1e12")  # what a 14-digit, 2-place money column holds
CENT = Decimal("0.01")
OPTIONAL_FIELDS = ("TransactionType", "BusinessShortCode", "InvoiceNumber", "OrgAccountBalance",
                   "ThirdPartyTransID", "MSISDN", "FirstName", "MiddleName", "LastName")


@dataclass(frozen=True)
class C2BPayment:
    """One paybill payment as Daraja describes it (validation and confirmation alike)."""

    trans_id: str
    amount: Decimal
    account_reference: str          # BillRefNumber, exactly as the customer typed it
    paid_at: datetime               # TransTime, East Africa Time
    shortcode: str = ""
    transaction_type: str = ""
    msisdn: str = ""                # masked by Safaricom: 25470****149
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    third_party_trans_id: str = ""
    raw: dict = field(default_factory=dict)

    @property
    def payer_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.middle_name, self.last_name) if part)


def c2b_parse(body: bytes) -> C2BPayment:
    """Read a Validation or Confirmation body; CallbackInvalid when it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CallbackInvalid(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise CallbackInvalid("not a C2B body: a JSON object is expected")
    trans_id = _text(data, "TransID")
    if not TRANS_ID.fullmatch(trans_id):
        raise CallbackInvalid("TransID must be 1 to 40 letters and digits")
    if "BillRefNumber" not in data:
        raise CallbackInvalid("BillRefNumber is missing")
    values = {name: _optional_text(data, name) for name in OPTIONAL_FIELDS}
    return C2BPayment(
        trans_id=trans_id, amount=_amount(data.get("TransAmount")),
        account_reference="" if data["BillRefNumber"] is None else str(data["BillRefNumber"]),
        paid_at=_trans_time(data.get("TransTime")), shortcode=values["BusinessShortCode"],
        transaction_type=values["TransactionType"], msisdn=values["MSISDN"], first_name=values["FirstName"],
        middle_name=values["MiddleName"], last_name=values["LastName"],
        third_party_trans_id=values["ThirdPartyTransID"], raw=data)


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise CallbackInvalid(f"{name} is missing")
    return value.strip()


def _optional_text(data: dict, name: str) -> str:
    """Descriptive fields are kept as sent: an odd one never costs the payment its record."""
    value = data.get(name)
    return "" if value is None else str(value).strip()


def _amount(value) -> Decimal:
    """TransAmount is a string ("10", "10.00"); a number is read the same way. Positive, whole
    cents, and within what a money column holds."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CallbackInvalid("TransAmount is missing")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise CallbackInvalid("TransAmount is not a number") from exc
    if not amount.is_finite() or amount <= 0 or amount >= AMOUNT_LIMIT or amount != amount.quantize(CENT):
        raise CallbackInvalid(f"TransAmount {str(value)[:40]!r} is not an amount of money")
    return amount.quantize(CENT)


def _trans_time(value) -> datetime:
    try:
        return datetime.strptime(str(value), TRANS_TIME_FORMAT).replace(tzinfo=mpesa.EAT)
    except (TypeError, ValueError) as exc:
        raise CallbackInvalid("TransTime must be YYYYMMDDHHmmss") from exc


def validation_accept() -> dict:
    return {"ResultCode": ACCEPTED, "ResultDesc": "Accepted"}


def validation_reject(code: str) -> dict:
    """Refuse the payment before the customer's money moves: C2B00012 unknown account, C2B00013
    invalid amount, C2B00016 anything else."""
    return {"ResultCode": code, "ResultDesc": "Rejected"}


# --- registering the Confirmation and Validation URLs --------------------------------------------

def url_problem(url: str) -> str | None:
    """Why Daraja would refuse to register `url`, or None."""
    lowered = url.lower()
    words = [word for word in FORBIDDEN_URL_WORDS if word in lowered]
    if words:
        return f"{url} contains {', '.join(repr(word) for word in words)}, which Daraja refuses in C2B URLs"
    if not lowered.startswith(("https://", "http://")):
        return f"{url} is not an http(s) URL"
    return None


def register_urls(config: mpesa.MpesaConfig, *, shortcode: str, confirmation_url: str, validation_url: str,
                  response_type: str = "Completed", client: httpx.Client | None = None) -> dict:
    """Register where Daraja posts the shortcode's payments. `response_type` is what Daraja does
    when the Validation URL does not answer (Completed: take the money). Returns Daraja's answer."""
    if response_type not in RESPONSE_TYPES:
        raise ValueError(f"response_type must be one of {', '.join(RESPONSE_TYPES)}")
    for url in (confirmation_url, validation_url):
        problem = url_problem(url)
        if problem:
            raise ValueError(problem)
    client = client or provider_client(base_url=config.base_url,
                                       sandbox_handler=sandbox_handler(config) if config.sandbox else None)
    body = {"ShortCode": shortcode, "ResponseType": response_type, "ConfirmationURL": confirmation_url,
            "ValidationURL": validation_url}
    response = send(client, "POST", REGISTER_PATH, json=body,
                    headers={"Authorization": f"Bearer {mpesa.access_token(config, client=client)}"})
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code != 200 or str(answer.get("ResponseCode")) != "0":
        raise ProviderError(f"M-Pesa refused the C2B URLs: {answer.get('errorMessage') or answer or response.text}",
                            code=str(answer.get("errorCode") or "c2b_register_refused"),
                            retryable=response.status_code >= 500)
    return answer


# --- sandbox: Daraja answered offline, and the bodies it would post --------------------------------

def sandbox_handler(config: mpesa.MpesaConfig):
    """The Daraja sandbox for C2B registration; token and everything else as mpesa.sandbox_handler."""
    daraja = mpesa.sandbox_handler(config)

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path not in (REGISTER_PATH, "/mpesa/c2b/v1/registerurl"):
            return daraja(request)
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return httpx.Response(401, json={"errorCode": "404.001.03", "errorMessage": "Invalid Access Token"})
        body = json.loads(request.content or b"{}")
        problem = _sandbox_register_problem(body)
        if problem:
            return httpx.Response(400, json={"requestId": secrets.token_hex(8), "errorCode": "400.002.02",
                                             "errorMessage": f"Bad Request - Invalid {problem}"})
        return httpx.Response(200, json={"OriginatorCoversationID": f"{secrets.randbelow(10**5)}-"
                                                                    f"{secrets.randbelow(10**8)}-1",
                                         "ResponseCode": "0", "ResponseDescription": "success"})

    return handle


def _sandbox_register_problem(body: dict) -> str | None:
    if not str(body.get("ShortCode", "")).isdigit():
        return "ShortCode"
    if body.get("ResponseType") not in RESPONSE_TYPES:
        return "ResponseType"
    for name in ("ConfirmationURL", "ValidationURL"):
        if url_problem(str(body.get(name, ""))):
            return name
    return None


def sandbox_trans_id() -> str:
    """A TransID shaped as Daraja's: ten capital letters and digits."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def sandbox_payment_body(*, account_number: str, amount: Decimal, shortcode: str, trans_id: str | None = None,
                         now: datetime | None = None) -> bytes:
    """What Daraja posts to the Validation and Confirmation URLs for a paybill payment (§1.9),
    paid by Safaricom's sandbox test customer."""
    amount = Decimal(amount)
    return json.dumps({
        "TransactionType": "Pay Bill", "TransID": trans_id or sandbox_trans_id(),
        "TransTime": mpesa.timestamp(now), "TransAmount": f"{amount:f}" if amount % 1 else f"{amount:.0f}",
        "BusinessShortCode": shortcode, "BillRefNumber": account_number, "InvoiceNumber": "",
        "OrgAccountBalance": "", "ThirdPartyTransID": "", "MSISDN": "25470****149",
        "FirstName": "John", "MiddleName": "", "LastName": "Doe",
    }).encode()
