"""PAYMENTS_MODE=sandbox: the provider of an order's pending request delivers its real callback,
so the same parsing, authentication and crediting code runs as in production (the sandbox's
status query agrees with the callback, for providers whose callbacks are confirmed by it).

With `deliver_callback` false the provider records the outcome (its status query answers it
from then on, in the provider's format) but the callback is lost: only reconciliation, which
asks the provider, finds the money."""
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from mookh.core.errors import NotFound
from orders.errors import OrderNotPayable
from orders.models import Order
from payments.models import PaymentAttempt, Provider, ProviderCallback
from payments.providers.mobile import mobile_money
from payments.selectors import order_amount_due_now
from payments.services.attempts import payment_attempt_create, payment_push
from payments.services.callbacks import airtel_callback_receive, mpesa_callback_receive, mtn_callback_receive

Status = PaymentAttempt.Status
SANDBOX_HEADERS = {"X-Sandbox": "1"}
SANDBOX_ADDRESS = "sandbox"
LOST = "lost"  # the callback outcome when it was not delivered
# Each provider's real receiver, called as its callback URL would call it.
RECEIVERS = {
    Provider.MPESA: lambda attempt, body: mpesa_callback_receive(
        token=settings.MPESA_CALLBACK_TOKEN, body=body, headers=SANDBOX_HEADERS, remote_addr=SANDBOX_ADDRESS),
    Provider.AIRTEL: lambda attempt, body: airtel_callback_receive(
        token=settings.AIRTEL_CALLBACK_TOKEN, body=body, headers=SANDBOX_HEADERS, remote_addr=SANDBOX_ADDRESS),
    Provider.MTN: lambda attempt, body: mtn_callback_receive(
        reference=str(attempt.pk), body=body, headers=SANDBOX_HEADERS, remote_addr=SANDBOX_ADDRESS),
}


@dataclass(frozen=True)
class SandboxOutcome:
    order_number: str
    order_status: str
    callback_outcome: str


def sandbox_complete(*, order_number: str, result: str, amount=None, deliver_callback: bool = True
                     ) -> SandboxOutcome:
    """Complete the order's pending mobile request (one is started for `amount`, default what is
    due now — an installment order's next installment — when none is pending) with `result`:
    success, failed or cancelled. Its callback is delivered, or lost when `deliver_callback` is false."""
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
            attempt = payment_attempt_create(order=order, provider=money.provider,
                                             amount=amount or order_amount_due_now(order), queue_request=False)
        attempt = payment_push(attempt_id=attempt.pk)
        if attempt.status != Status.PENDING:
            raise OrderNotPayable(f"The payment request failed: {attempt.description}")
    body = mobile_money(attempt.method).sandbox_callback(attempt.provider_reference, result, amount or attempt.amount,
                                                         attempt.currency, attempt.phone)
    if not deliver_callback:
        return SandboxOutcome(order_number=order.order_number, order_status=order.status, callback_outcome=LOST)
    record: ProviderCallback = RECEIVERS[attempt.provider](attempt, body)
    order.refresh_from_db()
    return SandboxOutcome(order_number=order.order_number, order_status=order.status, callback_outcome=record.outcome)
