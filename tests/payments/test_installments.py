"""Installment orders end to end through the API, the sandbox and the beat jobs: each payment
lowers the balance by an installment (the last takes the remainder), PAID at zero; reminders
carry a pay link that opens and pays; unpaid at 48 h the order expires and what was paid is owed
back."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from notifications.models import OutboxMessage
from orders.models import Order
from orders.tasks import orders_expire_due_task, orders_remind_due_task
from payments import http
from payments.models import Payment, PaymentAttempt, Refund
from payments.tasks import payments_reconcile_due_task
from tests.orders.conftest import catalog, order_body, ticket_create  # noqa: F401,F811 (the catalog fixture)

pytestmark = pytest.mark.django_db
BASE = "https://api.example.com"
SANDBOX = "/payments/sandbox/complete/"


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.PUBLIC_BASE_URL = BASE
    http.sandbox_requests.clear()
    yield
    http.sandbox_requests.clear()


@pytest.fixture
def place(api, django_capture_on_commit_callbacks):
    def placed(*lines, installments=3) -> tuple[Order, dict]:
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/stores/orders/", order_body(*lines, payment_installments=installments),
                                format="json")
        assert response.status_code == 201, response.json()
        return Order.objects.get(pk=response.json()["id"]), response.json()

    return placed


def _order(api, order) -> dict:
    return api.get(f"/stores/orders/{order.pk}/").json()


def _prompts() -> list[int]:
    """The amounts the sandbox's M-Pesa was asked for, in order."""
    return [r["body"]["Amount"] for r in http.sandbox_requests if r["url"].endswith("/processrequest")]


def _complete(api, order, **fields) -> dict:
    response = api.post(SANDBOX, {"order_number": order.order_number, **fields}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def test_three_installments_paid_to_paid(api, catalog, place, django_capture_on_commit_callbacks):
    gold = ticket_create(catalog.event, "Gold", "7500.00", quantity=10, allow_pay_later=True)
    parking = ticket_create(catalog.event, "Parking", "800.00", quantity=10, allow_pay_later=True)
    order, placed = place((gold, 1), (parking, 1))  # seed 001: 7500.00 + 800.00 = 8300.00, ÷3 → 2766
    assert (placed["order_amount"], placed["installments_amount"], placed["order_balance"]) == (
        "8300.00", "2766.00", "8300.00")
    assert _prompts() == [2766]  # the first installment is asked for at once

    assert _complete(api, order)["order_status"] == "PARTIALLY_PAID"
    assert _order(api, order)["order_balance"] == "5534.00"

    # The second: the sandbox starts its prompt; the payer pays, the callback is lost, the job finds it.
    assert _complete(api, order, deliver_callback=False) == {
        "order_number": order.order_number, "order_status": "PARTIALLY_PAID", "callback_outcome": "lost"}
    assert _order(api, order)["order_balance"] == "5534.00"
    PaymentAttempt.objects.filter(order=order, status="PENDING").update(created=F("created") - timedelta(minutes=2))
    payments_reconcile_due_task.delay()
    assert _order(api, order)["order_balance"] == "2768.00"

    # The third, from the order's payment page: what is due now is the remainder.
    link = f"/payments/links/{order.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        prompt = api.post(f"{link}pay/", {"phone_number": "+254720111222"}, format="json")
    assert prompt.status_code == 202 and prompt.json()["payment"]["amount"] == "2768.00"
    assert _complete(api, order)["order_status"] == "PAID"

    body = _order(api, order)
    assert (body["order_status"], body["order_balance"]) == ("PAID", "0.00")
    assert _prompts() == [2766, 2766, 2768]
    assert sorted(Payment.objects.filter(order=order).values_list("amount", flat=True)) == [
        Decimal("2766.00"), Decimal("2766.00"), Decimal("2768.00")]
    assert order.issued_tickets.count() == 2
    gold.refresh_from_db()
    assert (gold.sold, gold.reserved) == (1, 0)
    templates = OutboxMessage.objects.filter(channel="sms").values_list("template", flat=True)
    assert sorted(templates) == ["order_created", "order_paid", "payment_received", "payment_received"]


def test_installment_order_expires_at_48_hours_and_what_was_paid_is_owed_back(api, catalog, place):
    order, _ = place((catalog.vvip, 2))  # 9000.00 in three installments of 3000.00
    assert abs(order.expires_at - order.created - timedelta(hours=48)) < timedelta(seconds=1)
    _complete(api, order)
    assert _order(api, order)["order_balance"] == "6000.00"
    catalog.vvip.refresh_from_db()
    assert catalog.vvip.reserved == 2

    shift = timezone.now() - order.expires_at - timedelta(seconds=1)  # 48 h later:
    Order.objects.filter(pk=order.pk).update(created=F("created") + shift,
                                             expires_at=F("expires_at") + shift)
    orders_expire_due_task.delay()

    body = _order(api, order)
    assert body["order_status"] == "EXPIRED"
    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.currency, refund.status) == (Decimal("3000.00"), "KES", "PENDING")
    catalog.vvip.refresh_from_db()
    assert (catalog.vvip.sold, catalog.vvip.reserved) == (0, 0)  # the seats are on sale again
    expired = OutboxMessage.objects.get(template="order_expired", channel="email")
    assert expired.context["refund_amount"] == "3000.00"
    late = api.post(SANDBOX, {"order_number": order.order_number}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "not_payable"
    assert Refund.objects.filter(order=order).count() == 1


def test_installment_reminder_carries_a_pay_link_that_opens_and_pays(api, catalog, place, mailoutbox, smsoutbox,
                                                                     django_capture_on_commit_callbacks):
    order, _ = place((catalog.vvip, 2))  # installments due at 16 h, 32 h and 48 h
    mailoutbox.clear()
    smsoutbox.clear()
    eleven_hours = timedelta(hours=11)  # 11 h later: the first installment is due within 6 h
    Order.objects.filter(pk=order.pk).update(created=F("created") - eleven_hours,
                                             expires_at=F("expires_at") - eleven_hours,
                                             next_reminder_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        orders_remind_due_task.delay()

    link = f"{BASE}/payments/links/{order.pk}/"
    [mail] = mailoutbox
    assert mail.subject == f"Installment 1 for order {order.order_number} is due soon"
    assert "KES 3000.00" in mail.body and f"Pay the installment now: {link}" in mail.body
    assert f'href="{link}"' in mail.alternatives[0][0]
    [sms] = smsoutbox
    assert sms.body.endswith(f"Pay: {link}")

    page = api.get(link.removeprefix(BASE))
    assert page.status_code == 200
    html = page.content.decode()
    assert order.order_number in html and 'id="amount-due">KES 3000.00' in html
    with django_capture_on_commit_callbacks(execute=True):
        prompt = api.post(f"{link.removeprefix(BASE)}pay/", {"phone_number": "+254720111222"}, format="json")
    assert prompt.status_code == 202 and prompt.json()["payment"]["amount"] == "3000.00"
    assert _complete(api, order)["order_status"] == "PARTIALLY_PAID"

    Order.objects.filter(pk=order.pk).update(next_reminder_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        orders_remind_due_task.delay()
    assert OutboxMessage.objects.filter(template="installment_reminder").count() == 2  # one email, one SMS
