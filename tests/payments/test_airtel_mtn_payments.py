"""Airtel Money (Kenya, Uganda) and MTN MoMo (Uganda) end to end through the API: the prompt after
commit, callbacks that count only once the provider's status query confirms them, credited once."""
import base64
import hashlib
import hmac
import json
import uuid
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
from payments.providers import mtn
from payments.providers.base import ProviderError, PushRequest
from payments.providers.mobile import mobile_money
from payments.services import payment_push
from stores.models import Event
from tests.orders.conftest import Catalog, catalog, order_body, store_create, ticket_create  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
TOKEN = "sandbox-callback-token"
AIRTEL_URL = f"/payments/callbacks/airtel/{TOKEN}/"
KENYA = {"name": "Jane Doe", "email": "jane@doe.com", "phone_number": "+254733111222"}
UGANDA_MTN = {"name": "Musa Kato", "email": "musa@example.com", "phone_number": "+256772123456"}
UGANDA_AIRTEL = {"name": "Musa Kato", "email": "musa@example.com", "phone_number": "+256752123456"}


@pytest.fixture(autouse=True)
def _recorded():
    http.sandbox_requests.clear()
    yield
    http.sandbox_requests.clear()


@pytest.fixture
def uganda_ticket(catalog):
    store = store_create(owner=catalog.owner, name="Kampala Live", country="UG", currency="UGX")
    event = Event.objects.create(store=store, event_category=catalog.category, event_name="Kampala Jazz",
                                 event_venue="Kampala", event_description="jazz night", is_published=True,
                                 start_date=timezone.now() + timedelta(days=30))
    return ticket_create(event, "Regular", "50000.00", quantity=100)


@pytest.fixture
def place(api, catalog, uganda_ticket, django_capture_on_commit_callbacks):
    """Place a MOBILE order for `method` (the prompt sent after commit); returns the order and its attempt."""
    def placed(method: str, *, phone: str | None = None, quantity: int = 2, **fields):
        if method == "AIRTEL":
            customer, line, currency = dict(KENYA), (catalog.vvip, quantity), "KES"
        else:
            customer = dict(UGANDA_AIRTEL if method == "AIRTELUG" else UGANDA_MTN)
            line, currency = (uganda_ticket, quantity), "UGX"
        customer["phone_number"] = phone or customer["phone_number"]
        body = order_body(line, customer=customer, currency=currency, exact_payment_method=method, **fields)
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/stores/orders/", body, format="json")
        assert response.status_code == 201, response.json()
        order = Order.objects.get(pk=response.json()["id"])
        return order, PaymentAttempt.objects.get(order=order), response.json()

    return placed


def _requests(path_part: str, method: str | None = None) -> list[dict]:
    return [r for r in http.sandbox_requests if path_part in r["url"] and (method is None or r["method"] == method)]


def _airtel_callback(reference: str, *, status_code="TS", money_id="MP210603.1234.L06941", key: str | None = None,
                     hash_value: str | None = None) -> bytes:
    """Airtel's callback as payments.md §3.4 shows it (written here, not by the adapter)."""
    transaction = json.dumps({"id": reference, "message": "Paid KES 9,000 to MOOKH, Trans ID " + money_id,
                              "status_code": status_code, "airtel_money_id": money_id})
    body = '{"transaction": ' + transaction
    if key is not None:
        digest = hmac.new(key.encode(), transaction.encode(), hashlib.sha256).digest()
        body += ', "hash": ' + json.dumps(base64.b64encode(digest).decode())
    elif hash_value is not None:
        body += ', "hash": ' + json.dumps(hash_value)
    return (body + "}").encode()


def _mtn_callback(*, status="SUCCESSFUL", amount="100000", currency="UGX", receipt="1234567890") -> bytes:
    """MTN's status object (payments.md §4.4), as PUT to X-Callback-Url (no reference in it)."""
    body = {"amount": amount, "currency": currency, "externalId": "ORDER", "status": status,
            "payer": {"partyIdType": "MSISDN", "partyId": "256772123456"}, "payerMessage": "", "payeeNote": ""}
    if status == "SUCCESSFUL":
        body["financialTransactionId"] = receipt
    else:
        body["reason"] = "APPROVAL_REJECTED"
    return json.dumps(body).encode()


def _post(api, url: str, body: bytes, *, method="post"):
    return getattr(api, method)(url, data=body, content_type="application/json")


def _mtn_url(attempt) -> str:
    return f"/payments/callbacks/mtn/{attempt.pk}/"


def _outcomes() -> list[str]:
    return list(ProviderCallback.objects.order_by("created").values_list("outcome", flat=True))


# --- the prompt ---------------------------------------------------------------------------------

@pytest.mark.parametrize("method, country, currency, msisdn, amount", [
    ("AIRTEL", "KE", "KES", "733111222", 9000), ("AIRTELUG", "UG", "UGX", "752123456", 100000)])
def test_airtel_order_sends_the_ussd_prompt_after_commit(place, method, country, currency, msisdn, amount):
    order, attempt, answer = place(method)
    push = _requests("/merchant/v1/payments/", "POST")
    assert len(push) == 1
    assert push[0]["headers"]["x-country"] == country and push[0]["headers"]["x-currency"] == currency
    assert push[0]["body"]["subscriber"]["msisdn"] == msisdn
    assert push[0]["body"]["transaction"] == {"amount": amount, "country": country, "currency": currency,
                                              "id": str(attempt.pk)}
    assert push[0]["body"]["reference"] == f"Order {order.order_number}"
    assert (attempt.status, attempt.provider, attempt.provider_reference) == ("PENDING", "airtel", str(attempt.pk))
    assert answer["payment"]["started"] is True


def test_mtn_order_in_uganda_sends_the_request_to_pay_with_its_own_callback_url(place):
    order, attempt, answer = place("MTNUG")
    push = _requests("/collection/v1_0/requesttopay", "POST")
    assert len(push) == 1
    assert push[0]["headers"]["x-reference-id"] == str(attempt.pk)
    assert push[0]["headers"]["x-callback-url"].endswith(_mtn_url(attempt))
    assert push[0]["body"]["amount"] == "100000" and push[0]["body"]["currency"] == "UGX"
    assert push[0]["body"]["payer"] == {"partyIdType": "MSISDN", "partyId": "256772123456"}
    assert push[0]["body"]["externalId"] == order.order_number
    assert attempt.status == "PENDING" and attempt.provider == "mtn" and answer["payment"]["started"] is True


@pytest.mark.parametrize("method, phone", [("MTNUG", "+256772123456"), ("AIRTELUG", "+256752123456")])
def test_kes_order_refused_at_placement_when_paid_from_a_ugandan_wallet(api, catalog, method, phone,
                                                                         django_capture_on_commit_callbacks):
    body = order_body((catalog.vvip, 1), payer={"name": "Musa", "email": "musa@example.com", "phone_number": phone},
                      exact_payment_method=method)  # Ugandan wallets hold UGX only
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/stores/orders/", body, format="json")
    assert response.status_code == 400
    assert "pays in UGX, not KES" in str(response.json())
    assert not Order.objects.exists() and not PaymentAttempt.objects.exists() and http.sandbox_requests == []


def test_mtn_adapter_refuses_a_collection_in_another_currency_before_sending():
    request = PushRequest(reference=str(uuid.uuid4()), order_number="ABC234", amount=Decimal("100.00"),
                          currency="KES", phone="+256772123456", callback_url="https://api.example.com/cb/")
    with pytest.raises(ProviderError, match="collects UGX, not KES"):
        mobile_money("MTNUG").push(request)
    assert http.sandbox_requests == []


@pytest.mark.parametrize("method, foreign_phone", [("AIRTEL", "+256752123456"), ("AIRTELUG", "+254733111222"),
                                                   ("MTNUG", "+254733111222")])
def test_prompt_fails_cleanly_when_the_phone_is_of_another_country(api, catalog, uganda_ticket, method,
                                                                   foreign_phone):
    currency, line = ("KES", (catalog.vvip, 1)) if method == "AIRTEL" else ("UGX", (uganda_ticket, 1))
    customer = KENYA if method == "AIRTEL" else UGANDA_AIRTEL if method == "AIRTELUG" else UGANDA_MTN
    response = api.post("/stores/orders/", order_body(line, customer=dict(customer), currency=currency,
                                                      exact_payment_method=method), format="json")
    attempt = PaymentAttempt.objects.get(order_id=response.json()["id"])  # its request not sent yet
    PaymentAttempt.objects.filter(pk=attempt.pk).update(phone=foreign_phone)
    attempt = payment_push(attempt_id=attempt.pk)
    assert attempt.status == "FAILED" and "number" in attempt.description
    assert http.sandbox_requests == [] and not Payment.objects.exists()


# --- Airtel callbacks ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["AIRTEL", "AIRTELUG"])
def test_airtel_callback_pays_the_order_once_the_enquiry_confirms_it(api, place, method):
    order, attempt, _ = place(method)
    response = _post(api, AIRTEL_URL, _airtel_callback(str(attempt.pk)))
    assert response.status_code == 200 and response.json() == {"status": "ACCEPTED"}
    enquiry = _requests(f"/standard/v1/payments/{attempt.pk}", "GET")
    assert len(enquiry) == 1 and enquiry[0]["headers"]["x-country"] == ("KE" if method == "AIRTEL" else "UG")
    order.refresh_from_db()
    attempt.refresh_from_db()
    assert order.status == "PAID" and order.issued_tickets.count() == 2
    payment = Payment.objects.get(order=order)
    assert payment.amount == attempt.amount and payment.currency == order.currency
    assert payment.reference == attempt.receipt and payment.reference.startswith("MP")  # the enquiry's id


def test_replayed_airtel_callback_credits_once(api, place):
    order, attempt, _ = place("AIRTEL")
    answers = [_post(api, AIRTEL_URL, _airtel_callback(str(attempt.pk))) for _ in range(5)]
    assert {answer.status_code for answer in answers} == {200}
    assert Payment.objects.filter(order=order).count() == 1
    assert _outcomes() == ["credited"] + ["duplicate"] * 4


@pytest.mark.parametrize("phone, attempt_status", [("+254733110001", "FAILED"), ("+254733110003", "PENDING")])
def test_forged_airtel_success_credits_nothing_when_the_enquiry_says_otherwise(api, place, phone, attempt_status):
    order, attempt, _ = place("AIRTEL", phone=phone)  # the sandbox's enquiry: TF for …0001, TIP for …0003
    response = _post(api, AIRTEL_URL, _airtel_callback(str(attempt.pk)))
    assert response.status_code == 200
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert attempt.status == attempt_status and order.status == "PENDING" and not Payment.objects.exists()
    assert _outcomes() == ["not_paid"]


def test_airtel_failure_callback_fails_the_attempt(api, place):
    order, attempt, _ = place("AIRTEL", phone="+254733110001")
    assert _post(api, AIRTEL_URL, _airtel_callback(str(attempt.pk), status_code="TF")).status_code == 200
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert attempt.status == "FAILED" and order.status == "PENDING" and not Payment.objects.exists()


def test_airtel_intermediate_callback_changes_nothing(api, place):
    order, attempt, _ = place("AIRTEL")
    assert _post(api, AIRTEL_URL, _airtel_callback(str(attempt.pk), status_code="TIP")).status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == "PENDING" and not Payment.objects.exists() and _outcomes() == ["not_paid"]
    assert not _requests("/standard/v1/payments/")


def test_airtel_callbacks_refused_and_recorded_when_token_wrong_or_body_malformed(api, place):
    order, attempt, _ = place("AIRTEL")
    assert _post(api, "/payments/callbacks/airtel/guess/", _airtel_callback(str(attempt.pk))).status_code == 401
    assert _post(api, AIRTEL_URL, b'{"transaction": {"status_code": "TS"}}').status_code == 400
    assert _post(api, AIRTEL_URL, b"<xml/>").status_code == 400
    unknown = _post(api, AIRTEL_URL, _airtel_callback(str(uuid.uuid4())))
    assert unknown.status_code == 200
    assert sorted(_outcomes()) == ["invalid", "invalid", "unauthenticated", "unknown_reference"]
    assert not _requests("/standard/v1/payments/")  # nothing asked about callbacks that name nothing of ours
    order.refresh_from_db()
    assert order.status == "PENDING" and not Payment.objects.exists()


def test_airtel_callback_hash_checked_when_a_callback_key_is_set(api, place, settings):
    settings.AIRTEL_CALLBACK_KEY = "airtel-private-key"
    order, attempt, _ = place("AIRTEL")
    wrong = _post(api, AIRTEL_URL, _airtel_callback(str(attempt.pk), key="another-key"))
    missing = _post(api, AIRTEL_URL, _airtel_callback(str(attempt.pk)))
    assert (wrong.status_code, missing.status_code) == (401, 401) and not Payment.objects.exists()
    signed = _post(api, AIRTEL_URL, _airtel_callback(str(attempt.pk), key="airtel-private-key"))
    assert signed.status_code == 200
    order.refresh_from_db()
    assert order.status == "PAID" and _outcomes() == ["unauthenticated", "unauthenticated", "credited"]


# --- MTN callbacks ------------------------------------------------------------------------------

@pytest.mark.parametrize("verb", ["put", "post"])
def test_mtn_callback_pays_the_order_with_what_the_status_query_says(api, place, verb):
    order, attempt, _ = place("MTNUG")
    forged = _mtn_callback(amount="1", receipt="forged-receipt")  # unsigned: its figures are not believed
    response = _post(api, _mtn_url(attempt), forged, method=verb)
    assert response.status_code == 200 and response.json() == {"status": "ACCEPTED"}
    assert len(_requests(f"/collection/v1_0/requesttopay/{attempt.pk}", "GET")) == 1
    order.refresh_from_db()
    payment = Payment.objects.get(order=order)
    assert order.status == "PAID" and payment.amount == Decimal("100000.00") and payment.currency == "UGX"
    assert payment.reference != "forged-receipt" and payment.reference.isdigit()  # financialTransactionId


def test_replayed_mtn_callback_credits_once(api, place):
    order, attempt, _ = place("MTNUG")
    answers = [_post(api, _mtn_url(attempt), _mtn_callback(), method="put") for _ in range(5)]
    assert {answer.status_code for answer in answers} == {200}
    assert Payment.objects.filter(order=order).count() == 1 and _outcomes() == ["credited"] + ["duplicate"] * 4


def test_mtn_success_callback_credits_nothing_when_the_status_query_says_failed(api, place):
    order, attempt, _ = place("MTNUG")
    mtn.sandbox_outcome_set(str(attempt.pk), "FAILED", reason="NOT_ENOUGH_FUNDS")
    assert _post(api, _mtn_url(attempt), _mtn_callback(), method="put").status_code == 200
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert attempt.status == "FAILED" and "NOT_ENOUGH_FUNDS" in attempt.description
    assert order.status == "PENDING" and not Payment.objects.exists()


@pytest.mark.parametrize("amount, currency, reason", [("100000", "EUR", "EUR"), ("0", "UGX", "nothing to credit")])
def test_mtn_money_kept_for_staff_when_the_status_names_another_currency_or_no_amount(api, place, amount, currency,
                                                                                       reason):
    order, attempt, _ = place("MTNUG")
    mtn.sandbox_outcome_set(str(attempt.pk), "SUCCESSFUL", amount=Decimal(amount), currency=currency)
    assert _post(api, _mtn_url(attempt), _mtn_callback(), method="put").status_code == 200
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert order.status == "PENDING" and not Payment.objects.exists()
    assert attempt.status == "SUCCEEDED" and reason in attempt.review_reason and _outcomes() == ["review"]


def test_mtn_callbacks_refused_or_recorded_when_malformed_or_unknown(api, place):
    order, attempt, _ = place("MTNUG")
    assert _post(api, _mtn_url(attempt), b"not json", method="put").status_code == 400
    assert _post(api, _mtn_url(attempt), b'{"status": "SUCCESSFUL"}', method="put").status_code == 400
    assert _post(api, "/payments/callbacks/mtn/not-a-reference/", _mtn_callback()).status_code == 400
    unknown = _post(api, f"/payments/callbacks/mtn/{uuid.uuid4()}/", _mtn_callback(), method="put")
    assert unknown.status_code == 200
    assert sorted(_outcomes()) == ["invalid", "invalid", "invalid", "unknown_reference"]
    assert not _requests("/collection/v1_0/requesttopay/", "GET")
    order.refresh_from_db()
    assert order.status == "PENDING" and not Payment.objects.exists()


# --- the sandbox and reconciliation -------------------------------------------------------------

@pytest.mark.parametrize("method", ["AIRTEL", "AIRTELUG", "MTNUG"])
def test_sandbox_completes_the_pending_prompt_through_the_real_callback(api, place, method):
    order, attempt, _ = place(method)
    response = api.post("/payments/sandbox/complete/", {"order_number": order.order_number}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"order_number": order.order_number, "order_status": "PAID",
                               "callback_outcome": "credited"}
    assert ProviderCallback.objects.get().remote_addr == "sandbox"
    again = api.post("/payments/sandbox/complete/", {"order_number": order.order_number}, format="json")
    assert again.status_code == 409 and Payment.objects.filter(order=order).count() == 1


@pytest.mark.parametrize("method", ["AIRTEL", "AIRTELUG", "MTNUG"])
@pytest.mark.parametrize("result", ["failed", "cancelled"])
def test_sandbox_failure_leaves_the_order_pending(api, place, method, result):
    order, attempt, _ = place(method)
    response = api.post("/payments/sandbox/complete/", {"order_number": order.order_number, "result": result},
                        format="json")
    assert response.status_code == 200
    assert response.json()["order_status"] == "PENDING" and response.json()["callback_outcome"] == "not_paid"
    attempt.refresh_from_db()
    assert attempt.status == "FAILED" and not Payment.objects.exists()


@pytest.mark.parametrize("method", ["AIRTEL", "AIRTELUG", "MTNUG"])
def test_lookup_asks_the_provider_when_the_callback_was_lost(api, place, method):
    order, attempt, _ = place(method)  # the sandbox's payer approves; no callback arrives
    phone = order.customer_phone
    response = api.post("/stores/order/verify_order/", {"order_number": order.order_number, "phone_number": phone},
                        format="json")
    assert response.status_code == 200 and response.json()["order_status"] == "PAID"
    assert Payment.objects.filter(order=order).count() == 1
    late = (_post(api, AIRTEL_URL, _airtel_callback(str(attempt.pk))) if method != "MTNUG"
            else _post(api, _mtn_url(attempt), _mtn_callback(), method="put"))
    assert late.status_code == 200 and Payment.objects.filter(order=order).count() == 1
    assert _outcomes() == ["duplicate"]


def test_lookup_leaves_the_order_pending_while_the_payer_has_not_answered(api, place):
    order, attempt, _ = place("MTNUG")
    mtn.sandbox_outcome_set(str(attempt.pk), "PENDING")
    response = api.post("/stores/order/verify_order/", {"order_number": order.order_number,
                                                        "phone_number": order.customer_phone}, format="json")
    assert response.status_code == 200 and response.json()["order_status"] == "PENDING"
    attempt.refresh_from_db()
    assert attempt.status == "PENDING"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", ["AIRTEL", "MTNUG"])
def test_concurrent_callbacks_credit_once(method):
    catalog = Catalog()
    if method == "AIRTEL":
        body = order_body((catalog.vvip, 2), customer=dict(KENYA), exact_payment_method=method)
    else:
        store = store_create(owner=catalog.owner, name="Kampala Live", country="UG", currency="UGX")
        event = Event.objects.create(store=store, event_category=catalog.category, event_name="Kampala Jazz",
                                     event_venue="Kampala", event_description="jazz night", is_published=True,
                                     start_date=timezone.now() + timedelta(days=30))
        line = (ticket_create(event, "Regular", "50000.00", quantity=100), 2)
        body = order_body(line, customer=dict(UGANDA_MTN), currency="UGX", exact_payment_method=method)
    order = Order.objects.get(pk=APIClient().post("/stores/orders/", body, format="json").json()["id"])
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.status == "PENDING"  # sent when the order committed
    url, callback = ((AIRTEL_URL, _airtel_callback(str(attempt.pk))) if method == "AIRTEL"
                     else (_mtn_url(attempt), _mtn_callback()))

    def deliver(_):
        try:
            return APIClient().post(url, data=callback, content_type="application/json").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(deliver, range(16)))
    assert set(statuses) == {200}
    assert Payment.objects.filter(order=order).count() == 1
    assert ProviderCallback.objects.filter(outcome="credited").count() == 1
    order.refresh_from_db()
    assert order.status == "PAID"
