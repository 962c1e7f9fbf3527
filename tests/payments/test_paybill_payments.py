"""M-Pesa paybill (C2B) through HTTP: an order number as the account number pays that order,
once per TransID; money no payable order can take is acknowledged and kept for staff."""
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from orders.models import Order
from payments.models import Payment, ProviderCallback, UnmatchedPayment
from stores.models import Event
from tests.orders.conftest import Catalog, catalog, store_create, ticket_create  # noqa: F401 (the catalog fixture)
from tests.payments.paybill import ACK, CONFIRMATION_URL, VALIDATION_URL, c2b_body, order_placed, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(api, catalog):
    return order_placed(api, (catalog.vvip, 2))  # KES 9,000


def _outcomes() -> list[str]:
    return list(ProviderCallback.objects.order_by("created").values_list("outcome", flat=True))


def test_confirmation_by_order_number_pays_the_order_and_issues_tickets(api, order):
    response = post(api, CONFIRMATION_URL, c2b_body(order.order_number, amount="9000"))
    assert response.status_code == 200 and response.json() == ACK
    order.refresh_from_db()
    assert order.status == "PAID" and order.payment_reference == "RKTQDM7W6S"
    assert order.issued_tickets.count() == 2
    payment = Payment.objects.get(order=order)
    assert (payment.provider, payment.reference, payment.amount, payment.currency) == (
        "mpesa", "RKTQDM7W6S", Decimal("9000.00"), "KES")
    assert _outcomes() == ["credited"] and not UnmatchedPayment.objects.exists()


def test_confirmation_reads_the_order_number_in_any_case_and_with_spaces(api, order):
    typed = f" {order.order_number[:3].lower()} {order.order_number[3:].lower()} "
    assert post(api, CONFIRMATION_URL, c2b_body(typed, amount="9000")).json() == ACK
    order.refresh_from_db()
    assert order.status == "PAID" and Payment.objects.get().reference == "RKTQDM7W6S"


def test_partial_confirmation_leaves_the_right_balance(api, order):
    post(api, CONFIRMATION_URL, c2b_body(order.order_number, amount="4000"))
    order.refresh_from_db()
    assert order.status == "PARTIALLY_PAID" and order.order_balance == Decimal("5000.00")
    assert order.issued_tickets.count() == 0
    post(api, CONFIRMATION_URL, c2b_body(order.order_number, amount="5000", trans_id="RKTQDM7W6T"))
    order.refresh_from_db()
    assert order.status == "PAID" and Payment.objects.filter(order=order).count() == 2


def test_replayed_confirmation_credits_once_and_answers_the_same(api, order):
    answers = [post(api, CONFIRMATION_URL, c2b_body(order.order_number)) for _ in range(10)]
    assert {answer.status_code for answer in answers} == {200}
    assert all(answer.json() == ACK for answer in answers)
    assert Payment.objects.filter(order=order).count() == 1
    assert _outcomes() == ["credited"] + ["duplicate"] * 9
    order.refresh_from_db()
    assert order.amount_paid == Decimal("9000.00")


def test_unknown_account_number_is_acknowledged_and_kept_unmatched(api, order):
    body = c2b_body("INVOICE 008", amount="1500", FirstName="Jane", LastName="Wanjiru")
    answers = [post(api, CONFIRMATION_URL, body) for _ in range(3)]
    assert all(answer.status_code == 200 and answer.json() == ACK for answer in answers)
    unmatched = UnmatchedPayment.objects.get()
    assert (unmatched.provider, unmatched.receipt, unmatched.amount, unmatched.currency) == (
        "mpesa", "RKTQDM7W6S", Decimal("1500.00"), "KES")
    assert unmatched.account_reference == "INVOICE 008" and unmatched.status == "OPEN"
    assert unmatched.payer_name == "Jane Wanjiru" and unmatched.payer_phone == "25470****149"
    assert unmatched.received_at == datetime(2026, 12, 3, 6, 38, 45, tzinfo=ZoneInfo("Africa/Nairobi"))
    assert "INVOICE 008" in unmatched.reason and unmatched.raw["TransID"] == "RKTQDM7W6S"
    assert unmatched.order is None and unmatched.resolved_at is None
    assert _outcomes() == ["review", "duplicate", "duplicate"]
    assert not Payment.objects.exists()


def test_more_than_the_balance_is_kept_unmatched_and_the_order_untouched(api, order):
    assert post(api, CONFIRMATION_URL, c2b_body(order.order_number, amount="9001")).json() == ACK
    order.refresh_from_db()
    assert order.status == "PENDING" and order.amount_paid == 0
    unmatched = UnmatchedPayment.objects.get()
    assert unmatched.amount == Decimal("9001.00") and "more than" in unmatched.reason and "9000" in unmatched.reason


def test_money_for_a_paid_order_is_kept_unmatched(api, order):
    post(api, CONFIRMATION_URL, c2b_body(order.order_number))
    late = post(api, CONFIRMATION_URL, c2b_body(order.order_number, amount="100", trans_id="SECOND0001"))
    assert late.status_code == 200 and late.json() == ACK
    assert Payment.objects.count() == 1
    assert UnmatchedPayment.objects.get().receipt == "SECOND0001"
    assert "PAID" in UnmatchedPayment.objects.get().reason


def test_money_for_an_order_past_its_window_is_kept_unmatched(api, order):
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert post(api, CONFIRMATION_URL, c2b_body(order.order_number)).json() == ACK
    assert not Payment.objects.exists()
    assert "window" in UnmatchedPayment.objects.get().reason


def test_money_for_an_order_in_another_currency_is_kept_unmatched(api, catalog):
    store = store_create(owner=catalog.owner, name="Kampala Live", country="UG", currency="UGX")
    event = Event.objects.create(store=store, event_category=catalog.category, event_name="Kampala Jazz",
                                 event_venue="Kampala", event_description="jazz", is_published=True,
                                 start_date=timezone.now() + timedelta(days=30))
    ugandan = order_placed(api, (ticket_create(event, "Regular", "50000.00", quantity=10), 1), currency="UGX",
                           customer={"name": "Musa Kato", "email": "musa@example.com",
                                     "phone_number": "+256772123456"})
    assert post(api, CONFIRMATION_URL, c2b_body(ugandan.order_number, amount="500")).json() == ACK
    assert not Payment.objects.exists()
    assert "UGX" in UnmatchedPayment.objects.get().reason


@pytest.mark.parametrize("url", [CONFIRMATION_URL, VALIDATION_URL])
def test_wrong_token_is_401_and_recorded(api, order, url):
    wrong = url.replace("sandbox-callback-token", "guess")
    response = post(api, wrong, c2b_body(order.order_number))
    assert response.status_code == 401 and response.json()["ResultDesc"] == "Rejected"
    assert "wrong callback token" in response.json()["detail"]
    assert _outcomes() == ["unauthenticated"]
    assert json.loads(ProviderCallback.objects.get().body)["TransID"] == "RKTQDM7W6S"
    order.refresh_from_db()
    assert order.status == "PENDING" and not Payment.objects.exists() and not UnmatchedPayment.objects.exists()


@pytest.mark.parametrize("url", [CONFIRMATION_URL, VALIDATION_URL])
def test_malformed_body_is_400_and_recorded(api, order, url):
    bodies = [b"<xml/>", b"[1, 2]", json.dumps({"TransAmount": "10"}),
              json.dumps(c2b_body(order.order_number, amount="ten")),
              json.dumps(c2b_body(order.order_number, amount="NaN")),
              json.dumps(c2b_body(order.order_number, TransTime=None))]
    answers = [post(api, url, body) for body in bodies]
    assert [answer.status_code for answer in answers] == [400] * len(bodies)
    assert all(answer.json()["ResultDesc"] == "Rejected" and answer.json()["detail"] for answer in answers)
    assert "TransAmount" in answers[3].json()["detail"]
    assert _outcomes() == ["invalid"] * len(bodies)
    assert ProviderCallback.objects.filter(body="<xml/>").exists()
    assert not Payment.objects.exists() and not UnmatchedPayment.objects.exists()


def test_validation_accepts_a_payable_order_number_in_any_case(api, order):
    response = post(api, VALIDATION_URL, c2b_body(f" {order.order_number.lower()} ", amount="4000"))
    assert response.status_code == 200 and response.json() == {"ResultCode": "0", "ResultDesc": "Accepted"}
    order.refresh_from_db()
    assert order.status == "PENDING" and not Payment.objects.exists() and not UnmatchedPayment.objects.exists()
    assert _outcomes() == ["not_paid"] and "accepted" in ProviderCallback.objects.get().detail


@pytest.mark.parametrize("account, amount, code", [
    ("NOPE12", "9000", "C2B00012"),
    ("", "9000", "C2B00012"),
    ("{order}", "9001", "C2B00013"),
])
def test_validation_rejects_with_darajas_code(api, order, account, amount, code):
    response = post(api, VALIDATION_URL, c2b_body(account.format(order=order.order_number), amount=amount))
    assert response.status_code == 200 and response.json() == {"ResultCode": code, "ResultDesc": "Rejected"}
    assert not Payment.objects.exists() and not UnmatchedPayment.objects.exists()


def test_validation_rejects_a_closed_order(api, order):
    Order.objects.filter(pk=order.pk).update(status="CANCELLED")
    response = post(api, VALIDATION_URL, c2b_body(order.order_number))
    assert response.json() == {"ResultCode": "C2B00012", "ResultDesc": "Rejected"}
    assert "CANCELLED" in ProviderCallback.objects.get().detail


def test_sandbox_paybill_pays_an_order_through_the_confirmation(api, order):
    response = api.post("/payments/sandbox/paybill/", {"account_number": order.order_number.lower(),
                                                       "amount": "9000"}, format="json")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["callback_outcome"] == "credited" and answer["order_number"] == order.order_number
    assert answer["order_status"] == "PAID" and answer["unmatched_reason"] is None
    assert Payment.objects.get().reference == answer["trans_id"] and len(answer["trans_id"]) == 10
    record = ProviderCallback.objects.get()
    assert record.remote_addr == "sandbox" and json.loads(record.body)["BillRefNumber"] == order.order_number.lower()


def test_sandbox_paybill_keeps_unmatched_money_and_replays_by_trans_id(api, order):
    body = {"account_number": "WRONG1", "amount": "250", "trans_id": "SBXREPLAY1"}
    first = api.post("/payments/sandbox/paybill/", body, format="json").json()
    again = api.post("/payments/sandbox/paybill/", body, format="json").json()
    assert first["callback_outcome"] == "review" and "WRONG1" in first["unmatched_reason"]
    assert first["order_number"] is None and again["callback_outcome"] == "duplicate"
    assert UnmatchedPayment.objects.get().receipt == "SBXREPLAY1"


def test_sandbox_paybill_refuses_bad_input_with_field_errors(api):
    response = api.post("/payments/sandbox/paybill/", {"account_number": "AB12CD", "amount": "0",
                                                       "trans_id": "not valid!"}, format="json")
    assert response.status_code == 400 and set(response.json()) >= {"amount", "trans_id"}


def test_sandbox_paybill_refuses_an_account_number_that_is_not_text(api, order):
    response = api.post("/payments/sandbox/paybill/", {"account_number": 656, "amount": "9000"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"account_number"}
    assert not Payment.objects.exists()


def test_sandbox_paybill_is_not_found_in_live_mode(api, order, settings):
    settings.PAYMENTS_MODE = "live"
    response = api.post("/payments/sandbox/paybill/", {"account_number": order.order_number, "amount": "9000"},
                        format="json")
    assert response.status_code == 404 and not ProviderCallback.objects.exists()


def _replay_concurrently(body: bytes, times: int) -> list:
    def replay(_):
        try:
            response = APIClient().post(CONFIRMATION_URL, data=body, content_type="application/json")
            return response.status_code, response.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(replay, range(times)))


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_a_confirmation_credit_once():
    catalog = Catalog()
    order = order_placed(APIClient(), (catalog.vvip, 2))
    answers = _replay_concurrently(json.dumps(c2b_body(order.order_number)).encode(), 10)
    assert answers == [(200, ACK)] * 10
    assert Payment.objects.filter(reference="RKTQDM7W6S").count() == 1
    assert sorted(ProviderCallback.objects.values_list("outcome", flat=True)) == ["credited"] + ["duplicate"] * 9
    order.refresh_from_db()
    assert order.status == "PAID" and order.amount_paid == Decimal("9000.00")
    assert not UnmatchedPayment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_unmatched_money_keep_it_once():
    answers = _replay_concurrently(json.dumps(c2b_body("NOPE99", amount="700")).encode(), 10)
    assert answers == [(200, ACK)] * 10
    assert UnmatchedPayment.objects.get().amount == Decimal("700.00")
    assert sorted(ProviderCallback.objects.values_list("outcome", flat=True)) == ["duplicate"] * 9 + ["review"]
