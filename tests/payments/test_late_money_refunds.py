"""Late money — received but never credited (the order expired, or more than its balance) — goes
back whole through the provider that brought it, recorded as a refund of the order."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from payments.models import Payment, PaymentAttempt, Refund
from payments.providers import mtn
from tests.orders.conftest import catalog  # noqa: F401 (fixture)
from tests.payments.refund_fixtures import recorded, sent, shop, uganda_ticket  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_money_for_an_expired_order_goes_back_through_mpesa(shop, django_capture_on_commit_callbacks):
    order = shop.place("MPESA")
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = shop.pay(order)  # the buyer pays the prompt after the window closed
    assert (outcome["order_status"], outcome["callback_outcome"]) == ("EXPIRED", "review")
    attempt = PaymentAttempt.objects.get(order=order)
    assert "EXPIRED" in attempt.review_reason and not Payment.objects.exists()
    refund = Refund.objects.get(order=order)
    assert (refund.attempt_id, refund.payment_id, refund.amount, refund.status) == (
        attempt.pk, None, Decimal("9000.00"), "DONE")
    assert refund.reason.startswith("late money:")
    [reversal] = sent("/mpesa/reversal/v1/request")
    assert (reversal["body"]["TransactionID"], reversal["body"]["Amount"]) == (attempt.receipt, 9000)
    shown = shop.api.get(f"/stores/orders/{order.pk}/").json()
    assert [(r["status"], r["amount"]) for r in shown["refunds"]] == [("DONE", "9000.00")]


def _mtn_callback(shop, attempt, *, amount: str, currency: str = "UGX"):
    """MTN's status query says the payer paid `amount`; its callback arrives (sandbox)."""
    mtn.sandbox_outcome_set(attempt.provider_reference, "SUCCESSFUL", amount=Decimal(amount), currency=currency)
    body = mtn.sandbox_callback(attempt.provider_reference, amount=Decimal(amount), currency=currency,
                                payer="+256772123456")
    return shop.api.put(f"/payments/callbacks/mtn/{attempt.pk}/", data=body, content_type="application/json")


def test_more_than_the_balance_goes_back_whole_through_mtn(shop, django_capture_on_commit_callbacks):
    order = shop.place("MTNUG")  # 100000 UGX due
    attempt = PaymentAttempt.objects.get(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        assert _mtn_callback(shop, attempt, amount="120000").status_code == 200
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert order.status == "PENDING" and order.amount_paid == 0 and "balance" in attempt.review_reason
    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.currency, refund.provider, refund.status) == (Decimal("120000"), "UGX", "mtn",
                                                                               "DONE")
    [sent_refund] = sent("/disbursement/v1_0/refund")
    assert sent_refund["body"]["referenceIdToRefund"] == attempt.provider_reference
    assert sent_refund["body"]["amount"] == "120000"


def test_late_money_is_refunded_once_however_often_its_callback_arrives(shop, django_capture_on_commit_callbacks):
    order = shop.place("MTNUG")
    attempt = PaymentAttempt.objects.get(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _mtn_callback(shop, attempt, amount="120000")
    assert Refund.objects.filter(order=order).count() == 1 and len(sent("/disbursement/v1_0/refund")) == 1


def test_money_in_another_currency_stays_with_staff(shop, django_capture_on_commit_callbacks):
    order = shop.place("MTNUG")
    attempt = PaymentAttempt.objects.get(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        _mtn_callback(shop, attempt, amount="100000", currency="KES")
    attempt.refresh_from_db()
    assert "received KES" in attempt.review_reason
    assert not Refund.objects.exists() and sent("/disbursement/v1_0/refund") == []
