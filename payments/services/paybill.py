"""M-Pesa paybill (C2B): the Validation and Confirmation URLs Daraja posts to, and the sandbox's
stand-in for a customer paying the paybill.

The customer types an account number; an order's number (any case, spaces ignored) pays that
order. Validation (when Safaricom enabled it) refuses what no payable order can take, so the
customer's money does not move. A confirmation means the money moved: it is acknowledged
whatever it says and never dropped: credited through `payment_apply` (once per TransID), or
kept as UnmatchedPayment for staff.
"""
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mookh.core.errors import DomainError
from orders.models import Order
from orders.services.status import OPEN
from payments.models import Payment, Provider, ProviderCallback, UnmatchedPayment
from payments.providers import mpesa_c2b
from payments.providers.base import CallbackInvalid
from payments.services.crediting import payment_apply
from payments.services.results import callback_close, callback_record, callback_token_matches

logger = logging.getLogger(__name__)
Outcome = ProviderCallback.Outcome
CURRENCY = "KES"  # M-Pesa Kenya moves shillings only
SANDBOX_HEADERS = {"X-Sandbox": "1"}
SANDBOX_ADDRESS = "sandbox"


@dataclass(frozen=True)
class PaymentRefusal:
    """Why an order cannot take an amount: `field` is "account" (the order) or "amount"."""

    field: str
    reason: str

    @property
    def c2b_code(self) -> str:
        return mpesa_c2b.INVALID_AMOUNT if self.field == "amount" else mpesa_c2b.INVALID_ACCOUNT


def paybill_account_number(typed: str) -> str:
    """The order number a customer meant: spaces dropped, capitals (order numbers are upper case)."""
    return "".join((typed or "").split()).upper()


def order_payment_refusal(order: Order | None, *, amount: Decimal, currency: str, account_reference: str = "",
                          now: datetime) -> PaymentRefusal | None:
    """Whether `order` can take `amount` `currency` now, as one payment; the exact reason when not."""
    if order is None:
        return PaymentRefusal("account", f"no order numbered {account_reference.strip()[:40]!r}")
    if order.currency != currency:
        return PaymentRefusal("account", f"order {order.order_number} is in {order.currency}, not {currency}")
    if order.status not in OPEN:
        return PaymentRefusal("account", f"order {order.order_number} is {order.status}")
    if order.expires_at <= now:
        return PaymentRefusal("account", f"order {order.order_number}'s payment window has closed")
    if amount <= 0:
        return PaymentRefusal("amount", f"{currency} {amount} is not a payment")
    if amount > order.order_balance:
        return PaymentRefusal("amount", f"{currency} {amount} is more than order {order.order_number}'s "
                                        f"balance of {order.currency} {order.order_balance}")
    return None


def paybill_validation_receive(*, token: str, body: bytes, headers: dict,
                               remote_addr: str) -> tuple[ProviderCallback, dict]:
    """Daraja asks whether to take a payment: accepted when the account number is a payable order
    that can take the amount. Returns the callback's record and the reply for Daraja."""
    record = callback_record(provider=Provider.MPESA, body=body, headers=headers, remote_addr=remote_addr)
    if not callback_token_matches(token, settings.MPESA_CALLBACK_TOKEN):
        return (callback_close(record, Outcome.UNAUTHENTICATED, "paybill validation: wrong callback token"),
                mpesa_c2b.validation_reject(mpesa_c2b.OTHER_ERROR))
    try:
        payment = mpesa_c2b.c2b_parse(body)
    except CallbackInvalid as exc:
        return (callback_close(record, Outcome.INVALID, f"paybill validation: {exc}"),
                mpesa_c2b.validation_reject(mpesa_c2b.OTHER_ERROR))
    order = Order.objects.filter(order_number=paybill_account_number(payment.account_reference)).first()
    refusal = order_payment_refusal(order, amount=payment.amount, currency=CURRENCY,
                                    account_reference=payment.account_reference, now=timezone.now())
    # No money has moved yet: recorded as not paid, with what Daraja was told.
    if refusal:
        callback_close(record, Outcome.NOT_PAID,
                       f"paybill validation {payment.trans_id}: rejected {refusal.c2b_code}, {refusal.reason}")
        return record, mpesa_c2b.validation_reject(refusal.c2b_code)
    callback_close(record, Outcome.NOT_PAID,
                   f"paybill validation {payment.trans_id}: accepted for order {order.order_number}")
    return record, mpesa_c2b.validation_accept()


def paybill_confirmation_receive(*, token: str, body: bytes, headers: dict, remote_addr: str) -> ProviderCallback:
    """Daraja says a customer paid: recorded first, then credited or kept as unmatched money.
    The record's outcome says how to answer (credited, duplicate and review are all acknowledged)."""
    record = callback_record(provider=Provider.MPESA, body=body, headers=headers, remote_addr=remote_addr)
    if not callback_token_matches(token, settings.MPESA_CALLBACK_TOKEN):
        return callback_close(record, Outcome.UNAUTHENTICATED, "paybill confirmation: wrong callback token")
    try:
        payment = mpesa_c2b.c2b_parse(body)
    except CallbackInvalid as exc:
        return callback_close(record, Outcome.INVALID, f"paybill confirmation: {exc}")
    return paybill_payment_take(payment=payment, record=record)


@transaction.atomic
def paybill_payment_take(*, payment: mpesa_c2b.C2BPayment, record: ProviderCallback) -> ProviderCallback:
    """Credit a confirmed paybill payment to the order its account number names, once per TransID;
    keep it as unmatched money when that order cannot take it.

    Replays of one TransID queue on the named order's row lock (or on the unmatched row's unique
    key when no order is named), so exactly one of them credits or records the money and the
    others see it done.
    """
    order = (Order.objects.select_for_update()
             .filter(order_number=paybill_account_number(payment.account_reference)).first())
    if (Payment.objects.filter(provider=Provider.MPESA, reference=payment.trans_id).exists()
            or UnmatchedPayment.objects.filter(provider=Provider.MPESA, receipt=payment.trans_id).exists()):
        return callback_close(record, Outcome.DUPLICATE, f"paybill {payment.trans_id} already received")
    refusal = order_payment_refusal(order, amount=payment.amount, currency=CURRENCY,
                                    account_reference=payment.account_reference, now=timezone.now())
    reason = refusal.reason if refusal else ""
    if not refusal:
        try:
            payment_apply(order_id=order.pk, amount=payment.amount, currency=CURRENCY, provider=Provider.MPESA,
                          reference=payment.trans_id, raw={"c2b": payment.raw})
        except DomainError as exc:  # the order's window closed just now: expired by payment_apply
            reason = f"order {order.order_number}: {exc.message}"
        else:
            return callback_close(record, Outcome.CREDITED, f"paybill {payment.trans_id} to {order.order_number}")
    try:
        with transaction.atomic():
            UnmatchedPayment.objects.create(
                provider=Provider.MPESA, receipt=payment.trans_id, amount=payment.amount, currency=CURRENCY,
                account_reference=payment.account_reference[:100], payer_name=payment.payer_name[:200],
                payer_phone=payment.msisdn[:20], received_at=payment.paid_at, raw=payment.raw, reason=reason[:255])
    except IntegrityError:  # the same TransID, recorded by a replay that got there first
        return callback_close(record, Outcome.DUPLICATE, f"paybill {payment.trans_id} already received")
    return callback_close(record, Outcome.REVIEW, f"paybill {payment.trans_id} unmatched: {reason}")


@dataclass(frozen=True)
class SandboxPaybillOutcome:
    trans_id: str
    callback_outcome: str
    order_number: str | None      # the order credited
    order_status: str | None
    unmatched_reason: str | None  # why the money was kept for staff instead


def sandbox_paybill_pay(*, account_number: str, amount: Decimal, trans_id: str | None = None) -> SandboxPaybillOutcome:
    """PAYMENTS_MODE=sandbox: a customer pays the paybill with `account_number`; Daraja's real
    Confirmation body is delivered to the real confirmation code (as when Safaricom runs no
    validation, its default)."""
    body = mpesa_c2b.sandbox_payment_body(account_number=account_number, amount=amount,
                                          shortcode=settings.MPESA_SHORTCODE, trans_id=trans_id)
    trans_id = json.loads(body)["TransID"]
    record = paybill_confirmation_receive(token=settings.MPESA_CALLBACK_TOKEN, body=body, headers=SANDBOX_HEADERS,
                                          remote_addr=SANDBOX_ADDRESS)
    credited = Payment.objects.filter(provider=Provider.MPESA, reference=trans_id).select_related("order").first()
    unmatched = UnmatchedPayment.objects.filter(provider=Provider.MPESA, receipt=trans_id).first()
    return SandboxPaybillOutcome(
        trans_id=trans_id, callback_outcome=record.outcome,
        order_number=credited.order.order_number if credited else None,
        order_status=credited.order.status if credited else None,
        unmatched_reason=unmatched.reason if unmatched else None)
