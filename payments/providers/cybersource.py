"""Cybersource Secure Acceptance Hosted Checkout: the signed form the browser posts to the pay page,
and the signed receipt Cybersource posts back (to the receipt page and the Merchant POST URL).

Card details are typed on Cybersource's page, never ours. Both directions carry an HMAC-SHA256
over the fields named in `signed_field_names`; a receipt is believed only for the fields it signs.
"""
import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from payments.providers.base import CallbackInvalid, CallbackUnauthenticated, ProviderResult, ResultStatus

TEST_PAY_URL = "https://testsecureacceptance.cybersource.com/pay"
LIVE_PAY_URL = "https://secureacceptance.cybersource.com/pay"

# Placeholders that let the offline sandbox sign and verify when no credentials are configured.
SANDBOX_PROFILE_ID = "00000000-0000-4000-8000-000000000000"
SANDBOX_ACCESS_KEY = "sandbox0access0key0000000000000000"
SANDBOX_SECRET_KEY = "sandbox-secret-key-not-for-live-use"

REFERENCE_NUMBER_MAX = 40   # the Asia, Middle East and Africa gateway's limit
TRANSACTION_UUID_MAX = 50
REQUEST_FIELD_NAMES = (
    "access_key", "profile_id", "transaction_uuid", "signed_field_names", "unsigned_field_names",
    "signed_date_time", "locale", "transaction_type", "reference_number", "amount", "currency",
)
BILL_TO_FIELDS = frozenset({
    "forename", "surname", "email", "phone", "company_name", "address_line1", "address_line2",
    "address_city", "address_state", "address_country", "address_postal_code",
})
DECISION_STATUS = {
    "ACCEPT": ResultStatus.SUCCEEDED,
    "REVIEW": ResultStatus.PENDING,      # authorised but flagged: hold, never fulfil automatically
    "DECLINE": ResultStatus.FAILED,
    "ERROR": ResultStatus.FAILED,
    "CANCEL": ResultStatus.CANCELLED,
}
PARTIAL_APPROVAL_REASON = "110"
REASON_MESSAGES = {
    "100": "Request was processed successfully.",
    "102": "One or more fields in the request contains invalid data.",
    "104": "The access_key and transaction_uuid fields for this authorization request match those of "
           "a previously processed request.",
    "110": "Only a partial amount was approved.",
    "150": "General system failure.",
    "200": "The authorization request was approved by the issuing bank but declined because it did "
           "not pass the Address Verification System check.",
    "202": "Expired card.",
    "203": "General decline of the card.",
    "204": "Insufficient funds in the account.",
    "481": "The order has been rejected by Decision Manager.",
}
_LOCALE = re.compile(r"^[a-z-]{2,5}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class CybersourceConfig:
    profile_id: str
    access_key: str
    secret_key: str
    pay_url: str = TEST_PAY_URL
    sandbox: bool = True


def cybersource_config_from_settings() -> CybersourceConfig:
    """The profile from settings; in sandbox mode missing credentials fall back to placeholders."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    sandbox = getattr(settings, "PAYMENTS_MODE", "sandbox") != "live"
    profile_id = getattr(settings, "CYBERSOURCE_PROFILE_ID", "")
    access_key = getattr(settings, "CYBERSOURCE_ACCESS_KEY", "")
    secret_key = getattr(settings, "CYBERSOURCE_SECRET_KEY", "")
    if not sandbox and not (profile_id and access_key and secret_key):
        raise ImproperlyConfigured(
            "Set CYBERSOURCE_PROFILE_ID, CYBERSOURCE_ACCESS_KEY and CYBERSOURCE_SECRET_KEY for live payments.")
    return CybersourceConfig(
        profile_id=profile_id or SANDBOX_PROFILE_ID,
        access_key=access_key or SANDBOX_ACCESS_KEY,
        secret_key=secret_key or SANDBOX_SECRET_KEY,
        pay_url=getattr(settings, "CYBERSOURCE_PAY_URL", TEST_PAY_URL),
        sandbox=sandbox,
    )


def sign(fields: Mapping[str, str], secret_key: str) -> str:
    """Base64 HMAC-SHA256 of `name=value` pairs joined by commas, in `signed_field_names` order.

    A named field that is absent signs as `name=`; the secret is used as UTF-8 text, not hex-decoded.
    """
    if not secret_key:
        raise ValueError("An empty secret key signs nothing.")
    names = fields["signed_field_names"].split(",")
    message = ",".join(f"{name}={fields.get(name, '')}" for name in names)
    digest = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def checkout_form(config: CybersourceConfig, *, transaction_uuid: str, reference_number: str, amount: Decimal,
                  currency: str, locale: str = "en", receipt_url: str | None = None,
                  bill_to: dict | None = None, now: datetime | None = None) -> dict:
    """The pay page's URL and the signed hidden fields a browser posts to it (a `sale`).

    `bill_to` keys are the field suffixes (`forename`, `email`, `address_line1`, …); `receipt_url`
    becomes the signed `override_custom_receipt_page`. Raises ValueError for values Cybersource refuses.
    """
    if not transaction_uuid or len(transaction_uuid) > TRANSACTION_UUID_MAX:
        raise ValueError(f"transaction_uuid must have 1 to {TRANSACTION_UUID_MAX} characters.")
    if not reference_number or len(reference_number) > REFERENCE_NUMBER_MAX:
        raise ValueError(f"reference_number must have 1 to {REFERENCE_NUMBER_MAX} characters.")
    if not _CURRENCY.match(currency or ""):
        raise ValueError(f"{currency!r} is not an ISO 4217 code.")
    if not _LOCALE.match(locale or ""):
        raise ValueError(f"{locale!r} is not a Secure Acceptance locale.")
    fields = {
        "access_key": config.access_key,
        "profile_id": config.profile_id,
        "transaction_uuid": transaction_uuid,
        "signed_field_names": "",
        "unsigned_field_names": "",
        "signed_date_time": _timestamp(now or datetime.now(UTC)),
        "locale": locale,
        "transaction_type": "sale",
        "reference_number": reference_number,
        "amount": _amount_text(amount),
        "currency": currency,
    }
    if receipt_url:
        fields["override_custom_receipt_page"] = receipt_url
    fields.update(_bill_to_fields(bill_to or {}))
    fields["signed_field_names"] = ",".join(fields)
    fields["signature"] = sign(fields, config.secret_key)
    return {"url": config.pay_url, "fields": fields}


def receipt_parse(config: CybersourceConfig, form_data: Mapping[str, str]) -> ProviderResult:
    """Read a receipt (browser POST or Merchant POST URL); only the fields it signs are believed.

    Raises CallbackUnauthenticated when the signature is missing or wrong or the receipt names
    another profile, CallbackInvalid when a field needed to decide is missing or malformed.
    The same receipt can arrive on both channels: dedupe on `receipt` (transaction_id).
    """
    posted = {name: form_data[name] for name in form_data}
    signed = _verified_fields(config, posted)
    for name in ("decision", "req_transaction_uuid", "req_access_key", "req_profile_id"):
        if not signed.get(name):
            raise CallbackInvalid(f"The receipt does not sign {name}.")
    if not (hmac.compare_digest(signed["req_access_key"].encode(), config.access_key.encode())
            and hmac.compare_digest(signed["req_profile_id"].encode(), config.profile_id.encode())):
        raise CallbackUnauthenticated("The receipt is for another Secure Acceptance profile.")

    decision = signed["decision"]
    status = DECISION_STATUS.get(decision, ResultStatus.FAILED)
    reason_code = signed.get("reason_code", "")
    requested = _decimal(signed, "req_amount")
    authorised = _decimal(signed, "auth_amount")
    description = f"{decision} {reason_code} {signed.get('message', '')}".strip()
    if status == ResultStatus.SUCCEEDED:
        if requested is None or not signed.get("transaction_id") or not signed.get("req_currency"):
            raise CallbackInvalid("An accepted receipt must sign req_amount, req_currency and transaction_id.")
        if reason_code == PARTIAL_APPROVAL_REASON or (authorised is not None and authorised < requested):
            status, description = ResultStatus.FAILED, "partial approval"
    return ProviderResult(
        provider_reference=signed["req_transaction_uuid"],
        status=status,
        amount=authorised if authorised is not None else requested,
        currency=signed.get("req_currency") or None,
        receipt=signed.get("transaction_id") or None,
        description=description,
        raw=posted,
    )


def sandbox_receipt(config: CybersourceConfig, *, form_fields: dict, decision: str = "ACCEPT",
                    reason_code: str = "100", transaction_id: str | None = None,
                    auth_amount: Decimal | None = None, now: datetime | None = None) -> dict:
    """The signed fields Cybersource would post back for `form_fields` (a `checkout_form`'s fields).

    A form whose signature does not check out comes back ERROR/102, as the real pay page answers.
    Accepted or reviewed sales carry `auth_amount` (half the amount for reason 110 unless given).
    """
    if not _signature_matches(config, form_fields):
        decision, reason_code, auth_amount = "ERROR", "102", None
    response = {f"req_{name}": value for name, value in form_fields.items()
                if name not in ("signature", "signed_field_names", "unsigned_field_names", "signed_date_time")}
    response.update({
        "decision": decision,
        "reason_code": reason_code,
        "message": REASON_MESSAGES.get(reason_code, f"Request finished with reason code {reason_code}."),
        "transaction_id": transaction_id or str(10**25 + secrets.randbelow(9 * 10**25)),
    })
    if decision in ("ACCEPT", "REVIEW") or auth_amount is not None:
        if auth_amount is None:
            auth_amount = Decimal(form_fields.get("amount") or "0")
            if reason_code == PARTIAL_APPROVAL_REASON:
                auth_amount = auth_amount / 2
        response["auth_amount"] = _amount_text(auth_amount.quantize(Decimal("0.01")))
        response["auth_code"] = f"{secrets.randbelow(10**6):06d}"
        response["auth_time"] = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    response["signed_date_time"] = _timestamp(now or datetime.now(UTC))
    response["signed_field_names"] = ",".join([*response, "signed_field_names"])
    response["signature"] = sign(response, config.secret_key)
    if decision == "ACCEPT" and reason_code != PARTIAL_APPROVAL_REASON:
        _sandbox_capture_remember(response["transaction_id"], response["auth_amount"], form_fields.get("currency", ""))
    return response


SANDBOX_CAPTURE_KEY = "cybersource:sandbox:capture:{transaction_id}"


def _sandbox_capture_remember(transaction_id: str, amount: str, currency: str) -> None:
    from django.core.cache import cache

    cache.set(SANDBOX_CAPTURE_KEY.format(transaction_id=transaction_id), {"amount": amount, "currency": currency},
              timeout=7 * 24 * 3600)


def sandbox_captured(transaction_id: str) -> dict | None:
    """What a sale the sandbox accepted captured ({"amount", "currency"}), or None for one it did not."""
    from django.core.cache import cache

    captured = cache.get(SANDBOX_CAPTURE_KEY.format(transaction_id=transaction_id))
    return {"amount": Decimal(captured["amount"]), "currency": captured["currency"]} if captured else None


def _verified_fields(config: CybersourceConfig, posted: dict) -> dict:
    """The fields the receipt signs, once its signature checks out."""
    if not posted.get("signature") or not posted.get("signed_field_names"):
        raise CallbackUnauthenticated("The receipt carries no signature.")
    if not _signature_matches(config, posted):
        raise CallbackUnauthenticated("The receipt's signature does not match.")
    return {name: posted[name] for name in posted["signed_field_names"].split(",") if name in posted}


def _signature_matches(config: CybersourceConfig, fields: Mapping[str, str]) -> bool:
    if not fields.get("signature") or not fields.get("signed_field_names"):
        return False
    return hmac.compare_digest(sign(fields, config.secret_key).encode(), str(fields["signature"]).encode())


def _bill_to_fields(bill_to: dict) -> dict:
    unknown = set(bill_to) - BILL_TO_FIELDS
    if unknown:
        raise ValueError(f"Unknown bill_to fields: {', '.join(sorted(unknown))}.")
    return {f"bill_to_{name}": str(value) for name, value in bill_to.items() if value not in (None, "")}


def _amount_text(amount: Decimal) -> str:
    if isinstance(amount, float) or not isinstance(amount, Decimal | int):
        raise TypeError("Amounts are Decimal, never float.")
    cents = Decimal(amount).quantize(Decimal("0.01"))
    if cents != amount or cents <= 0:
        raise ValueError(f"{amount} is not a positive amount in whole cents.")
    return f"{cents:.2f}"


def _decimal(fields: dict, name: str) -> Decimal | None:
    if not fields.get(name):
        return None
    try:
        value = Decimal(fields[name])
    except InvalidOperation:
        raise CallbackInvalid(f"{name} is not an amount.") from None
    if not value.is_finite():
        raise CallbackInvalid(f"{name} is not an amount.")
    return value


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("signed_date_time needs an aware datetime.")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
