"""Reconciliation racing what else may settle the same payment, with real threads on PostgreSQL:
the late callback (credited once, whichever comes first) and the expiry job (paid or expired,
never both, nothing half-written)."""
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from orders.models import Order
from orders.services import order_expire
from payments import http
from payments.models import Payment, PaymentAttempt, ProviderCallback
from payments.providers import mpesa
from payments.services import payment_push, payment_reconcile
from tests.notifications.helpers import broker_unreachable
from tests.orders.conftest import Catalog, order_body

pytestmark = pytest.mark.django_db(transaction=True)
MPESA_CALLBACK = "/payments/callbacks/mpesa/sandbox-callback-token/"


def _pending_with_lost_callback(catalog: Catalog) -> PaymentAttempt:
    """An order whose prompt was paid at M-Pesa while its callback was lost."""
    response = APIClient().post("/stores/orders/", order_body((catalog.vvip, 2)), format="json")
    assert response.status_code == 201, response.json()
    lost = APIClient().post("/payments/sandbox/complete/", {"order_number": response.json()["order_number"],
                                                            "deliver_callback": False}, format="json")
    assert lost.json()["callback_outcome"] == "lost"
    return PaymentAttempt.objects.get(order_id=response.json()["id"])


def _in_threads(*calls) -> list:
    def run(call):
        try:
            return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_concurrent_reconciliation_and_late_callbacks_credit_once():
    catalog = Catalog()
    attempt = _pending_with_lost_callback(catalog)
    late = mpesa.sandbox_callback(attempt.provider_reference, amount=attempt.amount, phone=attempt.phone)
    reconcile = lambda: payment_reconcile(attempt_id=attempt.pk).outcome  # noqa: E731
    callback = lambda: APIClient().post(MPESA_CALLBACK, data=late,  # noqa: E731
                                        content_type="application/json").status_code
    results = _in_threads(*[reconcile, callback] * 4)
    assert set(results[1::2]) == {200}
    assert Payment.objects.filter(order_id=attempt.order_id).count() == 1
    assert ProviderCallback.objects.filter(outcome="credited").count() <= 1
    assert ProviderCallback.objects.exclude(outcome__in=["credited", "duplicate"]).count() == 0
    order = Order.objects.get(pk=attempt.order_id)
    assert order.status == "PAID" and order.issued_tickets.count() == 2
    catalog.vvip.refresh_from_db()
    assert (catalog.vvip.sold, catalog.vvip.reserved) == (2, 0)


def test_concurrent_reconciliation_and_expiry_leave_the_order_paid_or_expired_never_both():
    catalog = Catalog()
    attempts = [_pending_with_lost_callback(catalog) for _ in range(4)]
    closes = timezone.now() + timedelta(seconds=1)
    Order.objects.filter(pk__in=[a.order_id for a in attempts]).update(expires_at=closes)

    def at_closing(call):
        """Start `call` as the window closes: the money and the expiry arrive together."""
        def started():
            while timezone.now() < closes - timedelta(milliseconds=5):
                time.sleep(0.001)
            return call()
        return started

    calls = []
    for attempt in attempts:
        calls += [at_closing(lambda attempt=attempt: payment_reconcile(attempt_id=attempt.pk).outcome),
                  at_closing(lambda attempt=attempt: order_expire(order_id=attempt.order_id).status)]
    _in_threads(*calls)
    for attempt in attempts:
        order = Order.objects.get(pk=attempt.order_id)
        attempt.refresh_from_db()
        payments = Payment.objects.filter(order=order).count()
        assert attempt.status == "SUCCEEDED"
        if order.status == "PAID":
            assert payments == 1 and order.amount_paid == order.order_amount and not attempt.review_reason
        else:
            assert order.status == "EXPIRED" and payments == 0 and order.amount_paid == 0
            assert "EXPIRED" in attempt.review_reason  # the money is kept for staff, not lost
    catalog.vvip.refresh_from_db()
    paid = Order.objects.filter(status="PAID").count()
    assert (catalog.vvip.sold, catalog.vvip.reserved) == (2 * paid, 0)


def test_concurrent_sends_of_one_request_reach_the_phone_once():
    """The job re-sending a request stuck STARTING while its own task finally runs: one prompt."""
    catalog = Catalog()
    with broker_unreachable():
        response = APIClient().post("/stores/orders/", order_body((catalog.vvip, 2)), format="json")
    attempt = PaymentAttempt.objects.get(order_id=response.json()["id"])
    assert attempt.status == "STARTING"
    http.sandbox_requests.clear()
    results = _in_threads(*[lambda: payment_push(attempt_id=attempt.pk).status] * 6)
    assert "PENDING" in results
    assert len([r for r in http.sandbox_requests if r["url"].endswith("/processrequest")]) == 1
    attempt.refresh_from_db()
    assert attempt.status == "PENDING"
