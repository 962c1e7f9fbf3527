"""Card payments through Cybersource Secure Acceptance (payments.md §2).

An attempt per checkout, named by the `transaction_uuid` of the signed form the buyer's browser
posts to the gateway. The signed receipt arrives twice — the browser posts it to the order's
receipt page and the gateway posts it to the Merchant POST URL — and both go through
`cybersource_receipt_receive`: recorded first, then verified, then applied once by
`payment_result_apply` (the attempt turns terminal on the first; the receipt's transaction_id is
the payment's unique reference).

In sandbox mode the gateway is a local page (`cybersource_sandbox_pay`) that signs receipts with
the same code and delivers them on both channels.
"""
import dataclasses
import logging
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache

from mookh.core.errors import NotFound
from orders.errors import OrderNotPayable
from orders.models import Order
from payments.models import PaymentAttempt, Provider, ProviderCallback
from payments.providers import cybersource
from payments.providers.base import CallbackInvalid, CallbackUnauthenticated
from payments.routes import public_url
from payments.selectors import order_amount_due_now, order_payment_state
from payments.services.results import callback_close, callback_record, payment_result_apply

logger = logging.getLogger(__name__)
Outcome = ProviderCallback.Outcome
CARD = "CARD"
NAME_MAX = 60  # bill_to_forename / bill_to_surname
SANDBOX_HEADERS = {"X-Sandbox": "1"}
# The sandbox gateway refuses a transaction_uuid it has seen within 15 minutes, as Cybersource does (104).
SANDBOX_DUPLICATE_WINDOW_SECONDS = 15 * 60
SANDBOX_DECLINED_CARD = "4000000000000002"


@dataclass(frozen=True)
class CardCheckout:
    attempt: PaymentAttempt
    url: str          # where the browser posts the form
    fields: dict      # the form's fields, signed


def gateway_config() -> cybersource.CybersourceConfig:
    """The Secure Acceptance profile; in sandbox mode the pay page is this API's own."""
    config = cybersource.cybersource_config_from_settings()
    if config.sandbox:
        return dataclasses.replace(config, pay_url=public_url("payments-sandbox-cybersource-pay"))
    return config


def cards_accepted() -> bool:
    return Provider.CYBERSOURCE in settings.PAYMENTS_PROVIDERS


def card_checkout_start(*, order_id) -> CardCheckout:
    """A new card attempt for what is due now and the signed form that pays it (ValueError
    from the adapter when the order's values cannot be sent, e.g. an unknown currency)."""
    if not cards_accepted():
        raise OrderNotPayable("Card payments are not available here.")
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
    if order_payment_state(order) != "open":
        raise OrderNotPayable(f"The order is {order.status}.", status=order.status)
    amount = order_amount_due_now(order)
    config = gateway_config()
    transaction_uuid = uuid.uuid4().hex
    form = cybersource.checkout_form(
        config, transaction_uuid=transaction_uuid, reference_number=order.order_number, amount=amount,
        currency=order.currency, receipt_url=public_url("payment-link-receipt", order_id=order.pk),
        bill_to=_bill_to(order))
    attempt = PaymentAttempt.objects.create(
        order=order, provider=Provider.CYBERSOURCE, method=CARD, amount=amount, currency=order.currency,
        phone=order.payer_phone or order.customer_phone, status=PaymentAttempt.Status.PENDING,
        provider_reference=transaction_uuid,
        request_data={name: value for name, value in form["fields"].items() if name != "signature"})
    logger.info("card checkout %s for order %s: %s %s", transaction_uuid, order.order_number, amount, order.currency)
    return CardCheckout(attempt=attempt, url=form["url"], fields=form["fields"])


def order_card_form(*, order: Order) -> dict | None:
    """ORDER_CARD_FORM_PROVIDER: the card form of a new order's `pay_response` ({"url", "payload"}),
    None when this deployment takes no cards."""
    if not cards_accepted():
        return None
    checkout = card_checkout_start(order_id=order.pk)
    return {"url": checkout.url, "payload": checkout.fields}


def _bill_to(order: Order) -> dict:
    names = (order.customer_name or "").split()
    return {"forename": (names[0] if names else "")[:NAME_MAX],
            "surname": (" ".join(names[1:]) or (names[0] if names else ""))[:NAME_MAX],
            "email": order.customer_email, "phone": order.customer_phone}


def cybersource_receipt_receive(*, body: bytes, headers: dict, remote_addr: str) -> ProviderCallback:
    """A receipt from the browser (receipt page) or the gateway (Merchant POST URL), form-encoded.
    The record's outcome says what the answer is (unauthenticated 401, invalid 400, else 200)."""
    record = callback_record(provider=Provider.CYBERSOURCE, body=body, headers=headers, remote_addr=remote_addr)
    try:
        result = cybersource.receipt_parse(gateway_config(), _form_fields(body))
    except CallbackUnauthenticated as exc:
        return callback_close(record, Outcome.UNAUTHENTICATED, str(exc))
    except CallbackInvalid as exc:
        return callback_close(record, Outcome.INVALID, str(exc))
    return payment_result_apply(provider=Provider.CYBERSOURCE, result=result, record=record)


def _form_fields(body: bytes) -> dict:
    """An urlencoded body as a dict; a field named twice is refused (which value was signed?)."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        raise CallbackInvalid("The receipt is not a form.") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise CallbackInvalid("The receipt names a field twice.")
    return fields


@dataclass(frozen=True)
class SandboxReceipt:
    fields: dict          # what the gateway posts back, signed
    receipt_url: str      # where the browser posts them
    outcome: str          # what the Merchant POST delivery became


def cybersource_sandbox_pay(*, form_fields: dict, card_number: str = "", cancel: bool = False) -> SandboxReceipt:
    """The sandbox gateway's answer to a checkout form (PAYMENTS_MODE=sandbox only): the decision
    a real gateway would take for this test card, signed, delivered server to server as the
    Merchant POST URL would receive it; the browser then posts the same fields to the receipt page.

    Cancel → CANCEL; card 4000000000000002 or an amount ending in .02 → DECLINE 203; an amount
    ending in .10 → partial approval (110); a form whose signature fails → ERROR 102; a
    transaction_uuid seen in the last 15 minutes → ERROR 104; other cards → ACCEPT 100.
    """
    config = gateway_config()
    decision, reason_code = _sandbox_decision(form_fields, card_number=card_number, cancel=cancel)
    duplicate_key = f"cybersource:sandbox:uuid:{form_fields.get('access_key')}:{form_fields.get('transaction_uuid')}"
    if not cache.add(duplicate_key, 1, timeout=SANDBOX_DUPLICATE_WINDOW_SECONDS):
        decision, reason_code = "ERROR", "104"
    receipt = cybersource.sandbox_receipt(config, form_fields=form_fields, decision=decision, reason_code=reason_code)
    record = cybersource_receipt_receive(body=urlencode(receipt).encode(), headers=SANDBOX_HEADERS,
                                         remote_addr="sandbox")
    receipt_url = form_fields.get("override_custom_receipt_page") or ""
    return SandboxReceipt(fields=receipt, receipt_url=receipt_url, outcome=record.outcome)


def _sandbox_decision(form_fields: dict, *, card_number: str, cancel: bool) -> tuple[str, str]:
    if cancel:
        return "CANCEL", ""
    digits = "".join(ch for ch in card_number if ch.isdigit())
    if not 12 <= len(digits) <= 19:
        return "DECLINE", "231"  # invalid account number
    cents = str(form_fields.get("amount", ""))[-3:]
    if digits == SANDBOX_DECLINED_CARD or cents == ".02":
        return "DECLINE", "203"
    if cents == ".10":
        return "ACCEPT", cybersource.PARTIAL_APPROVAL_REASON
    return "ACCEPT", "100"

