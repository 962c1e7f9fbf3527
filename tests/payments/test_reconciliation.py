"""Reconciliation through the API and the beat job: a callback lost on purpose (the sandbox's
`deliver_callback: false`) is found by asking the provider, once; a run that finds nothing new
writes nothing; failures and cancellations found the same way; per-attempt backoff; requests
stuck STARTING; and an order about to expire is checked with its provider first."""
import json
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Order
from orders.tasks import orders_expire_due_task
from payments import http
from payments.models import Payment, PaymentAttempt, ProviderCallback
from payments.providers import mpesa
from payments.services import payment_attempts_reconcile_due, payment_reconcile
from payments.services import reconciliation
from payments.tasks import payments_reconcile_due_task
from stores.models import Event
from tests.notifications.helpers import broker_unreachable
from tests.orders.conftest import catalog, order_body, store_create, ticket_create  # noqa: F401,F811 (fixture)

pytestmark = pytest.mark.django_db
SANDBOX = "/payments/sandbox/complete/"
MPESA_CALLBACK = "/payments/callbacks/mpesa/sandbox-callback-token/"
CUSTOMERS = {
    "MPESA": {"name": "Jane Doe", "email": "jane@doe.com", "phone_number": "+254720111222"},
    "AIRTEL": {"name": "Jane Doe", "email": "jane@doe.com", "phone_number": "+254733111222"},
    "MTNUG": {"name": "Musa Kato", "email": "musa@example.com", "phone_number": "+256772123456"},
}
# What each provider's status query names as the money's receipt (M-Pesa's STK query has none).
STATUS_PATHS = {"MPESA": "/stkpushquery/", "AIRTEL": "/standard/v1/payments/", "MTNUG": "/requesttopay/"}


@pytest.fixture(autouse=True)
def _recorded():
    http.sandbox_requests.clear()
    yield
    http.sandbox_requests.clear()


@pytest.fixture
def place(api, catalog, django_capture_on_commit_callbacks):
    """Place a MOBILE order paid by `method`; its prompt leaves after commit. Returns (order, attempt)."""
    uganda = {}

    def placed(method: str = "MPESA", *, quantity: int = 2, **fields):
        line, currency = (catalog.vvip, quantity), "KES"
        if method == "MTNUG":
            if "ticket" not in uganda:
                store = store_create(owner=catalog.owner, name="Kampala Live", country="UG", currency="UGX")
                event = Event.objects.create(store=store, event_category=catalog.category, event_name="Jazz",
                                             event_venue="Kampala", event_description="jazz", is_published=True,
                                             start_date=timezone.now() + timedelta(days=30))
                uganda["ticket"] = ticket_create(event, "Regular", "50000.00", quantity=100)
            line, currency = (uganda["ticket"], quantity), "UGX"
        body = order_body(line, customer=dict(CUSTOMERS[method]), currency=currency, exact_payment_method=method,
                          **fields)
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/stores/orders/", body, format="json")
        assert response.status_code == 201, response.json()
        order = Order.objects.get(pk=response.json()["id"])
        return order, PaymentAttempt.objects.get(order=order)

    return placed


def _age(attempt: PaymentAttempt, seconds: int) -> None:
    """As if the attempt had been made `seconds` earlier."""
    PaymentAttempt.objects.filter(pk=attempt.pk).update(created=F("created") - timedelta(seconds=seconds))
    attempt.refresh_from_db()


def _status_queries(method: str) -> int:
    path = STATUS_PATHS[method]
    return len([r for r in http.sandbox_requests if path in r["url"] and not r["url"].endswith("requesttopay")])


def _lose(api, order, result="success") -> None:
    response = api.post(SANDBOX, {"order_number": order.order_number, "result": result, "deliver_callback": False},
                        format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"order_number": order.order_number, "order_status": order.status,
                               "callback_outcome": "lost"}


def _run(at) -> list:
    """One run of the job at the moment `at`: what it asked about."""
    asked = payment_attempts_reconcile_due(now=at)
    for attempt_id in asked:
        payment_reconcile(attempt_id=attempt_id, now=at)
    return asked


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]


@pytest.mark.parametrize("method", ["MPESA", "AIRTEL", "MTNUG"])
def test_lost_callback_is_credited_by_the_reconciliation_job(api, place, method):
    order, attempt = place(method)
    _lose(api, order)
    assert not ProviderCallback.objects.exists()
    payments_reconcile_due_task.delay()  # too early: the callback may still be on its way
    assert _status_queries(method) == 0
    order.refresh_from_db()
    assert order.status == "PENDING"

    _age(attempt, seconds=61)
    payments_reconcile_due_task.delay()
    assert _status_queries(method) == 1
    order.refresh_from_db()
    attempt.refresh_from_db()
    assert order.status == "PAID" and order.issued_tickets.count() == 2
    payment = Payment.objects.get(order=order)
    assert payment.amount == attempt.amount and attempt.status == "SUCCEEDED"
    if method == "MPESA":  # the STK query carries no receipt: the prompt's id stands for it
        assert payment.reference == attempt.provider_reference
    else:  # Airtel's airtel_money_id, MTN's financialTransactionId
        assert payment.reference == attempt.receipt != attempt.provider_reference
    assert not ProviderCallback.objects.exists()


def test_late_callback_after_reconciliation_credits_nothing(api, place):
    order, attempt = place("MPESA")
    _lose(api, order)
    _age(attempt, seconds=61)
    payments_reconcile_due_task.delay()
    late = mpesa.sandbox_callback(attempt.provider_reference, amount=attempt.amount, phone=attempt.phone)
    response = api.post(MPESA_CALLBACK, data=late, content_type="application/json")
    assert response.status_code == 200
    assert ProviderCallback.objects.get().outcome == "duplicate"
    assert Payment.objects.filter(order=order).count() == 1


def test_reconciliation_that_finds_nothing_new_changes_nothing(api, place):
    paid, paid_attempt = place("MPESA")
    waiting, waiting_attempt = place("MPESA", quantity=1)  # its payer has not answered the prompt
    _lose(api, paid)
    _age(paid_attempt, seconds=61)
    _age(waiting_attempt, seconds=61)
    payments_reconcile_due_task.delay()
    assert Order.objects.get(pk=paid.pk).status == "PAID" and _status_queries("MPESA") == 2

    rows = lambda: ([Order.objects.get(pk=paid.pk).updated, Order.objects.get(pk=waiting.pk).updated]  # noqa: E731
                    + sorted(PaymentAttempt.objects.values_list("updated", flat=True))
                    + list(Payment.objects.values_list("updated", flat=True)))
    before = rows()
    with CaptureQueriesContext(connection) as waiting_out_its_backoff:
        payments_reconcile_due_task.delay()
    assert _status_queries("MPESA") == 2  # nobody asked again yet
    # Two reads (attempts of orders whose window is closing, the others), nothing written.
    assert len(waiting_out_its_backoff) == 2 and _writes(waiting_out_its_backoff) == []

    later = timezone.now() + timedelta(minutes=5)
    with CaptureQueriesContext(connection) as asked_again:
        assert _run(later) == [waiting_attempt.pk]
    assert _status_queries("MPESA") == 3  # asked: still pending
    assert len(asked_again) == 3 and _writes(asked_again) == []  # the two reads, the attempt
    assert rows() == before
    assert Payment.objects.count() == 1 and Order.objects.get(pk=waiting.pk).status == "PENDING"


@pytest.mark.parametrize("method, result, attempt_status", [
    ("MPESA", "failed", "FAILED"), ("MPESA", "cancelled", "CANCELLED"),
    ("AIRTEL", "cancelled", "FAILED"), ("MTNUG", "failed", "FAILED")])
def test_failed_or_cancelled_payment_found_by_reconciliation(api, place, catalog, method, result, attempt_status):
    order, attempt = place(method)
    _lose(api, order, result=result)
    _age(attempt, seconds=61)
    payments_reconcile_due_task.delay()
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert attempt.status == attempt_status and attempt.description
    assert order.status == "PENDING" and not Payment.objects.exists()
    if method == "MPESA":
        catalog.vvip.refresh_from_db()
        assert catalog.vvip.reserved == 2  # still held for the buyer, who may try again
    again = api.post(SANDBOX, {"order_number": order.order_number}, format="json")  # a new prompt, paid
    assert again.status_code == 200 and again.json()["order_status"] == "PAID"
    assert PaymentAttempt.objects.filter(order=order).count() == 2


def test_pending_attempt_is_asked_again_after_a_growing_wait(api, place, settings):
    order, attempt = place("MPESA")
    start = attempt.created
    at = lambda seconds: start + timedelta(seconds=seconds)  # noqa: E731
    assert _run(at(30)) == []
    assert _run(at(61)) == [attempt.pk]  # waited 61 s: asked, and again 61 s later
    assert _run(at(62)) == []
    assert _run(at(100)) == []
    assert _run(at(123)) == [attempt.pk]  # waited 123 s: next after 123 s more
    assert _run(at(200)) == []
    assert _run(at(247)) == [attempt.pk]
    assert _status_queries("MPESA") == 3
    settings.PAYMENTS_RECONCILE_BACKOFF_MAX = timedelta(seconds=100)
    assert _run(at(2000)) == [attempt.pk]
    assert _run(at(2099)) == []
    assert _run(at(2101)) == [attempt.pk]  # never longer than the cap
    _lose(api, order)
    assert _run(at(2202)) == [attempt.pk]
    order.refresh_from_db()
    assert order.status == "PAID" and _status_queries("MPESA") == 6


def test_attempt_pending_past_the_give_up_age_is_left_to_staff(api, place):
    order, attempt = place("MPESA")
    days_later = attempt.created + timedelta(hours=72, seconds=1)
    assert _run(days_later) == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.status == "PENDING" and attempt.review_reason.startswith("no final answer from M-Pesa")
    assert _run(days_later + timedelta(hours=1)) == []
    # Should the money still come, it is credited and the flag cleared.
    body = mpesa.sandbox_callback(attempt.provider_reference, amount=attempt.amount, phone=attempt.phone)
    assert api.post(MPESA_CALLBACK, data=body, content_type="application/json").status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == "SUCCEEDED" and attempt.review_reason == ""


def test_each_run_asks_about_a_bounded_batch_oldest_first(place, settings, monkeypatch):
    monkeypatch.setattr(reconciliation, "PAGE", 2)  # candidates read two at a time
    attempts = [place("MPESA", quantity=1)[1] for _ in range(5)]
    for age, attempt in zip((500, 400, 300, 200, 100), attempts):
        _age(attempt, seconds=age)
    settings.PAYMENTS_RECONCILE_BATCH = 2
    now = timezone.now()
    ids = [attempt.pk for attempt in attempts]
    assert _run(now) == ids[:2]  # asked, and waiting out their backoff now
    soon = now + timedelta(seconds=1)
    # Attempts waiting out their backoff do not crowd the others out of the batch.
    assert payment_attempts_reconcile_due(now=soon) == ids[2:4]
    assert payment_attempts_reconcile_due(now=soon) == ids[4:]  # the picked ones are leased meanwhile
    assert payment_attempts_reconcile_due(now=soon) == []
    assert _status_queries("MPESA") == 2


def test_request_never_sent_because_the_broker_was_down_is_sent_by_the_job(api, catalog,
                                                                          django_capture_on_commit_callbacks):
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        response = api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json")
    assert response.status_code == 201
    attempt = PaymentAttempt.objects.get(order_id=response.json()["id"])
    assert attempt.status == "STARTING" and http.sandbox_requests == []
    assert _run(attempt.created + timedelta(seconds=90)) == []  # its own task may still be on its way
    assert _run(attempt.created + timedelta(minutes=2, seconds=1)) == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.status == "PENDING"
    assert len([r for r in http.sandbox_requests if r["url"].endswith("/processrequest")]) == 1
    assert _run(attempt.created + timedelta(minutes=2, seconds=2)) == []  # its callback's turn first
    assert _run(attempt.created + timedelta(minutes=3, seconds=2)) == [attempt.pk]


@pytest.mark.parametrize("why", ["too late", "order cancelled"])
def test_request_never_sent_fails_when_sending_it_now_makes_no_sense(api, catalog, why,
                                                                      django_capture_on_commit_callbacks):
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        response = api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json")
    attempt = PaymentAttempt.objects.get(order_id=response.json()["id"])
    at = attempt.created + timedelta(minutes=10, seconds=1 if why == "too late" else -60)
    if why == "order cancelled":
        Order.objects.filter(pk=attempt.order_id).update(status="CANCELLED")
    assert _run(at) == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.status == "FAILED" and attempt.description == "the payment request was not sent in time"
    assert http.sandbox_requests == []


def test_order_whose_window_is_closing_is_paid_when_its_provider_holds_the_money(api, place, catalog):
    order, attempt = place("MPESA")
    payments_reconcile_due_task.delay()  # a prompt just sent: not asked about yet
    _lose(api, order)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() + timedelta(seconds=50))
    payments_reconcile_due_task.delay()  # asked although young: its window closes within a minute
    order.refresh_from_db()
    catalog.vvip.refresh_from_db()
    assert order.status == "PAID" and Payment.objects.get(order=order).amount == Decimal("9000.00")
    assert (catalog.vvip.sold, catalog.vvip.reserved) == (2, 0) and _status_queries("MPESA") == 1


def test_order_whose_window_is_closing_is_asked_about_every_run_but_not_twice_per_run(place):
    order, attempt = place("MPESA")
    closes = timezone.now() + timedelta(seconds=55)
    Order.objects.filter(pk=order.pk).update(expires_at=closes)
    assert _run(closes - timedelta(seconds=55)) == [attempt.pk]  # still pending
    assert payment_attempts_reconcile_due(now=closes - timedelta(seconds=25)) == [attempt.pk]
    assert payment_attempts_reconcile_due(now=closes - timedelta(seconds=25)) == []  # its task is on its way
    payment_reconcile(attempt_id=attempt.pk, now=closes - timedelta(seconds=25))
    assert _run(closes - timedelta(seconds=1)) == [attempt.pk]
    assert _run(closes + timedelta(seconds=1)) == []  # closed: the expiry job's turn (and the backoff's)
    assert _status_queries("MPESA") == 3


def test_money_found_when_the_window_has_closed_is_kept_for_staff_not_left_pending(api, place, catalog):
    order, attempt = place("MPESA")
    _lose(api, order)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    orders_expire_due_task.delay()  # the provider is asked first, then the order closes
    order.refresh_from_db()
    attempt.refresh_from_db()
    catalog.vvip.refresh_from_db()
    assert order.status == "EXPIRED" and not Payment.objects.exists()
    assert attempt.status == "SUCCEEDED" and "EXPIRED" in attempt.review_reason
    assert (catalog.vvip.sold, catalog.vvip.reserved) == (0, 0)


def test_order_due_to_expire_expires_when_its_provider_has_no_money_or_cannot_answer(api, place, catalog,
                                                                                     monkeypatch):
    order, _ = place("MPESA")
    other, _ = place("MPESA", quantity=1)
    Order.objects.filter(pk__in=[order.pk, other.pk]).update(expires_at=timezone.now() - timedelta(seconds=1))
    orders_expire_due_task.delay()  # each asked about: the payers never answered
    assert _status_queries("MPESA") == 2
    assert set(Order.objects.values_list("status", flat=True)) == {"EXPIRED"}

    third, _ = place("MPESA", quantity=1)
    _lose(api, third)

    def unreachable(*args, **kwargs):
        raise httpx.ConnectError("Daraja unreachable")

    monkeypatch.setattr(mpesa, "stk_query", unreachable)
    Order.objects.filter(pk=third.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    orders_expire_due_task.delay()
    third.refresh_from_db()
    catalog.vvip.refresh_from_db()
    assert third.status == "EXPIRED" and catalog.vvip.reserved == 0  # the seats do not wait for Daraja


def test_sandbox_refuses_a_deliver_callback_that_is_not_a_boolean(api, place):
    order, _ = place("MPESA")
    response = api.post(SANDBOX, {"order_number": order.order_number, "deliver_callback": "sometimes"},
                        format="json")
    assert response.status_code == 400 and "deliver_callback" in response.json()


def test_sandbox_status_query_answers_a_lost_outcome_in_darajas_format(api, place):
    order, attempt = place("MPESA")
    _lose(api, order, result="cancelled")
    answer = mpesa.stk_query(mpesa.mpesa_config_from_settings(), attempt.provider_reference)
    assert answer.status == "cancelled"
    raw = http.sandbox_requests[-1]
    assert raw["url"].endswith("/mpesa/stkpushquery/v1/query") and set(raw["body"]) == {
        "BusinessShortCode", "Password", "Timestamp", "CheckoutRequestID"}
    assert json.dumps(answer.raw["ResultCode"]) == '"1032"'
