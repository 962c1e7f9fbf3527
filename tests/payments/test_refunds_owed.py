"""Money owed when an order that took money closes (an installment order expiring, a partly paid
order cancelled) goes back through the provider after commit; a broker outage or a provider out
of reach delays it, never loses it, and staff can send a failed refund again."""
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from orders.models import Order
from orders.services import order_expire
from orders.tasks import orders_expire_due_task
from payments import http
from payments.models import Payment, Refund
from payments.tasks import refunds_due_task
from tests.notifications.helpers import broker_unreachable
from tests.orders.conftest import catalog  # noqa: F401 (fixture)
from tests.payments.refund_fixtures import recorded, sent, shop, uganda_ticket  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _partly_paid(shop, method="MPESA") -> tuple[Order, Payment]:
    order = shop.place(method, installments=3)
    shop.pay(order)
    order.refresh_from_db()
    assert order.status == "PARTIALLY_PAID"
    return order, Payment.objects.get(order=order)


def _past_due(order: Order) -> None:
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def test_expired_installment_order_refunds_what_was_paid_through_the_provider(shop, django_capture_on_commit_callbacks):
    order, payment = _partly_paid(shop)
    _past_due(order)
    with django_capture_on_commit_callbacks(execute=True):
        orders_expire_due_task.delay()  # the beat job: expiry, then the refund after commit
    order.refresh_from_db()
    assert order.status == "EXPIRED" and order.amount_paid == payment.amount
    [reversal] = sent("/mpesa/reversal/v1/request")
    assert (reversal["body"]["TransactionID"], reversal["body"]["Amount"]) == (payment.reference, 3000)
    refund = Refund.objects.get(order=order)
    assert (refund.status, refund.payment_id, refund.amount, refund.reason) == (
        "DONE", payment.pk, payment.amount, "payment window expired")
    assert refund.provider_reference.startswith("AG_") and refund.receipt
    shown = shop.api.get(f"/stores/orders/{order.pk}/").json()
    assert [(r["status"], r["provider"], r["amount"]) for r in shown["refunds"]] == [("DONE", "mpesa", "3000.00")]


@pytest.mark.parametrize("method", ["AIRTEL", "MTNUG"])
def test_cancelled_partly_paid_order_refunds_through_the_provider(shop, method, django_capture_on_commit_callbacks):
    order, payment = _partly_paid(shop, method)
    with django_capture_on_commit_callbacks(execute=True):
        response = shop.owner.post(f"/stores/orders/{order.pk}/cancel/")
    assert response.status_code == 200 and response.json()["order_status"] == "CANCELLED"
    refund = Refund.objects.get(order=order)
    assert (refund.status, refund.amount, refund.reason) == ("DONE", payment.amount, "cancelled")
    path = "/standard/v1/payments/refund" if method == "AIRTEL" else "/disbursement/v1_0/refund"
    assert len(sent(path)) == 1


def test_owed_refund_waits_when_the_broker_is_down_and_the_sweep_sends_it(shop, django_capture_on_commit_callbacks):
    order, payment = _partly_paid(shop)
    _past_due(order)
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        order_expire(order_id=order.pk)  # the queueing fails quietly: the expiry stands
    order.refresh_from_db()
    refund = Refund.objects.get(order=order)
    assert order.status == "EXPIRED" and refund.status == "PENDING" and sent("/mpesa/reversal/") == []
    refunds_due_task.delay()
    assert Refund.objects.get(order=order).status == "PENDING"  # not stale yet: its own task may still come
    Refund.objects.filter(pk=refund.pk).update(updated=timezone.now() - timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        refunds_due_task.delay()
    assert Refund.objects.get(order=order).status == "DONE" and len(sent("/mpesa/reversal/")) == 1


def test_refund_fails_after_bounded_tries_then_staff_send_it_again(shop, settings, admin_client, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    order, payment = _partly_paid(shop)
    # Live mode with Daraja out of reach (a local port nothing listens on): nothing leaves the machine.
    settings.PAYMENTS_MODE, settings.MPESA_BASE_URL = "live", "http://127.0.0.1:1"
    monkeypatch.setattr(http, "RETRY_BACKOFF_SECONDS", 0)
    with django_capture_on_commit_callbacks(execute=True):
        shop.owner.post(f"/stores/orders/{order.pk}/cancel/")
    refund = Refund.objects.get(order=order)
    assert refund.status == "FAILED" and refund.tries == 5
    assert refund.failure_reason.startswith("unreachable after 5 tries")

    settings.PAYMENTS_MODE, settings.MPESA_BASE_URL = "sandbox", "https://sandbox.safaricom.co.ke"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/payments/refund/", {"action": "retry_failed",
                                                                 "_selected_action": [refund.pk]})
    notes = [message.message for message in get_messages(response.wsgi_request)]
    assert "1 refund(s) sent again." in notes
    refund.refresh_from_db()
    assert refund.status == "DONE" and refund.tries == 1
    [reversal] = sent("/mpesa/reversal/v1/request")
    assert reversal["body"]["TransactionID"] == payment.reference


def test_staff_retry_refuses_a_refund_that_did_not_fail(shop, admin_client):
    order = shop.paid("MTNUG")
    shop.refund(order)
    refund = Refund.objects.get(order=order)
    response = admin_client.post("/admin/payments/refund/", {"action": "retry_failed",
                                                             "_selected_action": [refund.pk]})
    notes = [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]
    assert ("info", "0 refund(s) sent again.") in notes
    assert any(level == "warning" and "DONE" in text for level, text in notes)
    assert len(sent("/disbursement/v1_0/refund")) == 1


def test_mtn_refund_still_processing_is_asked_about_until_it_is_done(shop, django_capture_on_commit_callbacks):
    from payments.providers import mtn_disbursement

    order = shop.paid("MTNUG")
    mtn_disbursement.sandbox_refunds_delay(order.payment_attempts.get().provider_reference)
    waiting = shop.refund(order)
    assert waiting.status_code == 202 and waiting.json()["refunds"][0]["status"] == "PENDING"
    refund = Refund.objects.get(order=order)
    assert refund.sent_at is not None and len(sent("/disbursement/v1_0/refund")) == 1
    Refund.objects.filter(pk=refund.pk).update(updated=timezone.now() - timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        refunds_due_task.delay()  # its own question was queued after commit; the sweep asks too
    order.refresh_from_db()
    refund.refresh_from_db()
    assert refund.status == "DONE" and refund.receipt and order.status == "REFUNDED"
    assert len(sent(f"/disbursement/v1_0/refund/{refund.provider_reference}", "GET")) == 2
    assert len(sent("/disbursement/v1_0/refund")) == 1  # asked about, never sent again
