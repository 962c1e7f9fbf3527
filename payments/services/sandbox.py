"""PAYMENTS_MODE=sandbox: the provider of an order's pending request delivers its real callback,
so the same parsing, authentication and crediting code runs as in production."""
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from mookh.core.errors import NotFound
from orders.errors import OrderNotPayable
from orders.models import Order
from payments.models import PaymentAttempt
from payments.providers.mobile import mobile_money
from payments.services.attempts import payment_attempt_create, payment_push
from payments.services.callbacks import mpesa_callback_receive

Status = PaymentAttempt.Status
SANDBOX_HEADERS = {"X-Sandbox": "1"}


@dataclass(frozen=True)
class SandboxOutcome:
    order_number: str
    order_status: str
    callback_outcome: str


def sandbox_complete(*, order_number: str, result: str, amount=None) -> SandboxOutcome:
    """Complete the order's pending mobile request (one is started for `amount`, default the
    balance, when none is pending) with `result`: success, failed or cancelled."""
    order = Order.objects.filter(order_number=(order_number or "").strip().upper()).first()
    if order is None:
        raise NotFound("No order with this number.")
    money = mobile_money(order.exact_payment_method)
    if money is None:
        raise OrderNotPayable("This order's payment method has no sandbox yet.", method=order.exact_payment_method)
    attempt = (PaymentAttempt.objects.filter(order=order, provider=money.provider, status=Status.PENDING)
               .order_by("-created").first())
    if attempt is None:
        with transaction.atomic():
            attempt = payment_attempt_create(order=order, provider=money.provider, amount=amount)
        attempt = payment_push(attempt_id=attempt.pk)
        if attempt.status != Status.PENDING:
            raise OrderNotPayable(f"The payment request failed: {attempt.description}")
    body = money.sandbox_callback(attempt.provider_reference, result, amount or attempt.amount, attempt.phone)
    record = mpesa_callback_receive(token=settings.MPESA_CALLBACK_TOKEN, body=body, headers=SANDBOX_HEADERS,
                                    remote_addr="sandbox")
    order.refresh_from_db()
    return SandboxOutcome(order_number=order.order_number, order_status=order.status, callback_outcome=record.outcome)
