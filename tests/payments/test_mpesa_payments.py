"""M-Pesa end to end through the API: the prompt after commit, the callback credited once."""
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from orders.models import Order
from payments import http
from payments.models import Payment, PaymentAttempt, ProviderCallback
from tests.orders.conftest import Catalog, catalog, order_body  # noqa: F401 (the catalog fixture)

pytestmark = pytest.mark.django_db
TOKEN = "sandbox-callback-token"
CALLBACK_URL = f"/payments/callbacks/mpesa/{TOKEN}/"


@pytest.fixture(autouse=True)
def _recorded():
    http.sandbox_requests.clear()
    yield
    http.sandbox_requests.clear()


def _place(api, capture, *lines, **fields) -> Order:
    with capture(execute=True):
        response = api.post("/stores/orders/", order_body(*lines, **fields), format="json")
    assert response.status_code == 201, response.json()
    return Order.objects.get(pk=response.json()["id"])


def _callback(checkout, *, code=0, amount="9000.00", receipt="NLJ7RT61SV") -> dict:
    """Daraja's callback, written here from payments.md §1.6 (not by the adapter)."""
    callback = {"MerchantRequestID": "29115-34620561-1", "CheckoutRequestID": checkout, "ResultCode": code,
                "ResultDesc": "The service request is processed successfully." if code == 0 else "Cancelled"}
    if code == 0:
        callback["CallbackMetadata"] = {"Item": [
            {"Name": "Amount", "Value": float(amount)}, {"Name": "MpesaReceiptNumber", "Value": receipt},
            {"Name": "Balance"}, {"Name": "TransactionDate", "Value": 20261203102115},
            {"Name": "PhoneNumber", "Value": 254720111222}]}
    return {"Body": {"stkCallback": callback}}


def _post(client, body, url=CALLBACK_URL):
    return client.post(url, data=json.dumps(body) if not isinstance(body, (bytes, str)) else body,
                       content_type="application/json")


@pytest.fixture
def pending(api, catalog, django_capture_on_commit_callbacks):
    order = _place(api, django_capture_on_commit_callbacks, (catalog.vvip, 2))
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.status == "PENDING" and attempt.provider_reference.startswith("ws_CO_")
    return order, attempt


def test_mobile_order_in_kenya_sends_the_prompt_after_commit(pending):
    order, attempt = pending
    push = [r for r in http.sandbox_requests if r["url"].endswith("/processrequest")]
    assert len(push) == 1 and push[0]["body"]["PhoneNumber"] == "254720111222"
    assert push[0]["body"]["Amount"] == 9000 and push[0]["body"]["AccountReference"] == order.order_number
    assert push[0]["body"]["CallBackURL"].endswith(CALLBACK_URL)


def test_success_callback_pays_the_order_and_issues_tickets(api, pending):
    order, attempt = pending
    response = _post(api, _callback(attempt.provider_reference))
    assert response.status_code == 200 and response.json() == {"ResultCode": 0, "ResultDesc": "Accepted"}
    order.refresh_from_db()
    assert order.status == "PAID" and order.payment_reference == "NLJ7RT61SV"
    assert order.issued_tickets.count() == 2


def test_replayed_callback_credits_once(api, pending):
    order, attempt = pending
    answers = [_post(api, _callback(attempt.provider_reference)) for _ in range(10)]
    assert {answer.status_code for answer in answers} == {200}
    assert Payment.objects.filter(order=order).count() == 1
    assert list(ProviderCallback.objects.values_list("outcome", flat=True).order_by("created")) == (
        ["credited"] + ["duplicate"] * 9)


def test_under_payment_leaves_the_right_balance(api, pending):
    order, attempt = pending
    _post(api, _callback(attempt.provider_reference, amount="4000.00"))
    order.refresh_from_db()
    assert order.status == "PARTIALLY_PAID" and order.order_balance == Decimal("5000.00")


def test_cancelled_prompt_leaves_the_order_pending(api, pending):
    order, attempt = pending
    assert _post(api, _callback(attempt.provider_reference, code=1032)).status_code == 200
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert attempt.status == "CANCELLED" and order.status == "PENDING" and not Payment.objects.exists()


def test_late_money_on_an_expired_order_is_kept_for_staff(api, pending):
    order, attempt = pending
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _post(api, _callback(attempt.provider_reference))
    assert response.status_code == 200
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert order.status == "EXPIRED" and not Payment.objects.exists()
    assert attempt.status == "SUCCEEDED" and attempt.receipt == "NLJ7RT61SV" and "EXPIRED" in attempt.review_reason
    assert ProviderCallback.objects.get().outcome == "review"


def test_callbacks_refused_and_recorded_when_token_wrong_or_body_malformed(api, pending):
    order, attempt = pending
    wrong = _post(api, _callback(attempt.provider_reference), url="/payments/callbacks/mpesa/guess/")
    assert wrong.status_code == 401
    assert _post(api, b'{"Body": {"stkCallback": {"ResultCode": 0}}}').status_code == 400
    assert _post(api, b"<xml/>").status_code == 400
    unknown = _post(api, _callback("ws_CO_unknown"))
    assert unknown.status_code == 200
    assert sorted(ProviderCallback.objects.values_list("outcome", flat=True)) == [
        "invalid", "invalid", "unauthenticated", "unknown_reference"]
    order.refresh_from_db()
    assert order.status == "PENDING" and not Payment.objects.exists()


def test_sandbox_completes_the_pending_prompt_through_the_callback(api, pending):
    order, _ = pending
    response = api.post("/payments/sandbox/complete/", {"order_number": order.order_number}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"order_number": order.order_number, "order_status": "PAID",
                               "callback_outcome": "credited"}
    again = api.post("/payments/sandbox/complete/", {"order_number": order.order_number}, format="json")
    assert again.status_code == 409 and Payment.objects.filter(order=order).count() == 1


def test_sandbox_is_not_found_in_live_mode(api, pending, settings):
    settings.PAYMENTS_MODE = "live"
    order, _ = pending
    assert api.post("/payments/sandbox/complete/", {"order_number": order.order_number},
                    format="json").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_credit_once():
    catalog = Catalog()
    client = APIClient()
    response = client.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json")
    order = Order.objects.get(pk=response.json()["id"])
    from payments.services import payment_push

    attempt = payment_push(attempt_id=PaymentAttempt.objects.get(order=order).pk)
    body = json.dumps(_callback(attempt.provider_reference))

    def replay(_):
        try:
            return APIClient().post(CALLBACK_URL, data=body, content_type="application/json").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(replay, range(16)))
    assert set(statuses) == {200}
    assert Payment.objects.filter(order=order).count() == 1
    assert ProviderCallback.objects.filter(outcome="credited").count() == 1
    order.refresh_from_db()
    assert order.status == "PAID"


def test_lookup_asks_the_provider_when_the_callback_was_lost(api, pending):
    from payments.providers import mpesa

    order, attempt = pending
    mpesa.sandbox_callback(attempt.provider_reference, result_code=0)  # M-Pesa has the money; the callback is lost
    response = api.post("/stores/order/verify_order/", {"order_number": order.order_number,
                                                        "phone_number": "+254720111222"}, format="json")
    assert response.status_code == 200 and response.json()["order_status"] == "PAID"
    payment = Payment.objects.get(order=order)
    assert payment.reference == attempt.provider_reference  # the query carries no receipt
    late = _post(api, _callback(attempt.provider_reference))  # the callback turns up after all
    assert late.status_code == 200 and Payment.objects.filter(order=order).count() == 1


def test_order_shows_its_payment_requests(api, pending):
    order, attempt = pending
    _post(api, _callback(attempt.provider_reference))
    payments = api.get(f"/stores/orders/{order.pk}/").json()["payments"]
    assert payments == [{"id": str(attempt.pk), "provider": "mpesa", "exact_payment_method": "MPESA",
                         "amount": "9000.00", "currency": "KES", "status": "SUCCEEDED",
                         "provider_reference": attempt.provider_reference, "receipt": "NLJ7RT61SV",
                         "phone": "+254720111222", "description": payments[0]["description"],
                         "created": payments[0]["created"]}]


@pytest.mark.parametrize("amount, status, outcome", [("NaN", 400, "invalid"), ("Infinity", 400, "invalid"),
                                                     ("1e999999", 200, "review")])
def test_odd_callback_amounts_credit_nothing(api, pending, amount, status, outcome):
    order, attempt = pending
    body = _callback(attempt.provider_reference)
    body["Body"]["stkCallback"]["CallbackMetadata"]["Item"][0]["Value"] = amount
    assert _post(api, body).status_code == status
    assert ProviderCallback.objects.get().outcome == outcome
    order.refresh_from_db()
    assert order.status == "PENDING" and not Payment.objects.exists()
