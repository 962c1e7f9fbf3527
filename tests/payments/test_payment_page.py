"""The order's payment page through HTTP: what it shows, its mobile money form (CSRF-protected,
answered with the page), its status poll, and the link that pay-later messages carry."""
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from orders.models import Order
from orders.services.reminders import order_reminders_send
from payments import http
from payments.models import PaymentAttempt
from payments.providers import mobile
from tests.orders.conftest import catalog, order_body  # noqa: F401 (the catalog fixture)

pytestmark = pytest.mark.django_db
BASE = "https://api.example.com"


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.PUBLIC_BASE_URL = BASE
    http.sandbox_requests.clear()
    yield
    http.sandbox_requests.clear()


def _place(api, *lines, **fields) -> Order:
    body = order_body(*lines, **{"response_type": "html", "is_pay_later": True, **fields})
    response = api.post("/stores/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["link"].startswith(f"{BASE}/payments/links/")
    return Order.objects.get(order_number=response.json()["order_number"])


def _page_path(order) -> str:
    return f"/payments/links/{order.pk}/"


def _browser() -> Client:
    """A browser: Django's CSRF protection enforced, as for real form posts."""
    return Client(enforce_csrf_checks=True)


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_page_shows_the_order_summary_and_the_amount_due(api, catalog):
    order = _place(api, (catalog.vvip, 2), (catalog.album, 1), payment_installments=2)
    response = _browser().get(_page_path(order))
    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert order.order_number in html and "2 × VVIP" in html and "1 × Currency track" in html
    assert "KES 10000.00" in html and re.search(r'id="amount-due">KES 5000.00<', html)
    assert 'name="phone_number"' in html and 'value="+254720111222"' in html and '<option value="MPESA"' in html
    assert 'id="pay-by-card"' in html and 'name="viewport"' in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy


def test_page_of_an_unknown_order_is_not_found(api, catalog):
    assert _browser().get("/payments/links/8f0e3a52-5d0e-4a8e-9a51-2f0c1d7e9b44/").status_code == 404


def test_prompt_form_records_an_attempt_and_sends_the_prompt(api, catalog, django_capture_on_commit_callbacks):
    order = _place(api, (catalog.vvip, 1))
    browser = _browser()
    token = _csrf_token(browser.get(_page_path(order)).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"{_page_path(order)}pay/", {"csrfmiddlewaretoken": token,
                                                              "phone_number": "+254711222333", "method": "MPESA"})
    attempt = PaymentAttempt.objects.get(order=order)
    assert response.status_code == 303 and response["Location"] == f"{_page_path(order)}?attempt={attempt.pk}"
    assert (attempt.method, attempt.phone, attempt.status, str(attempt.amount)) == (
        "MPESA", "+254711222333", "PENDING", "4500.00")
    [push] = [request for request in http.sandbox_requests if request["url"].endswith("/processrequest")]
    assert push["body"]["PhoneNumber"] == "254711222333" and push["body"]["AccountReference"] == order.order_number
    waiting = browser.get(response["Location"]).content.decode()
    assert 'id="waiting"' in waiting and f'data-status-url="{_page_path(order)}status/"' in waiting
    assert 'id="send-prompt"' not in waiting


def test_cancelled_prompt_shows_its_outcome_and_the_form_again(api, catalog, django_capture_on_commit_callbacks):
    order = _place(api, (catalog.vvip, 1))
    with django_capture_on_commit_callbacks(execute=True):
        attempt_id = api.post(f"{_page_path(order)}pay/", {"phone_number": "+254711222333"},
                              format="json").json()["payment"]["id"]
    api.post("/payments/sandbox/complete/", {"order_number": order.order_number, "result": "cancelled"},
             format="json")
    html = _browser().get(f"{_page_path(order)}?attempt={attempt_id}").content.decode()
    assert 'id="waiting"' not in html and "The payment was not completed" in html and 'id="send-prompt"' in html


@pytest.mark.parametrize("typed, method, stored", [
    ("0711 222 333", "MPESA", "+254711222333"),
    ("0733111222", "AIRTEL", "+254733111222"),
    ("254733111222", "AIRTEL", "+254733111222"),
])
def test_prompt_form_takes_a_number_typed_as_at_home_for_the_chosen_method(
        api, catalog, typed, method, stored, django_capture_on_commit_callbacks):
    order = _place(api, (catalog.vvip, 1))
    browser = _browser()
    token = _csrf_token(browser.get(_page_path(order)).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"{_page_path(order)}pay/", {"csrfmiddlewaretoken": token,
                                                              "phone_number": typed, "method": method})
    assert response.status_code == 303
    assert PaymentAttempt.objects.get(order=order).phone == stored


def test_order_in_shillings_offers_and_takes_only_the_methods_whose_wallets_hold_shillings(api, catalog):
    order = _place(api, (catalog.vvip, 1))
    html = _browser().get(_page_path(order)).content.decode()
    assert '<option value="MPESA"' in html and '<option value="MTNUG"' not in html
    assert '<option value="AIRTELUG"' not in html
    refused = api.post(f"{_page_path(order)}pay/", {"phone_number": "0772123456", "method": "MTNUG"}, format="json")
    assert refused.status_code == 400 and "pays in UGX" in refused.json()["method"][0]
    assert not PaymentAttempt.objects.exists()


def test_prompt_form_refuses_a_local_number_when_no_method_names_its_country(api, catalog):
    order = _place(api, (catalog.vvip, 1))
    refused = api.post(f"{_page_path(order)}pay/", {"phone_number": "0711222333"}, format="json")
    assert refused.status_code == 400 and "international format" in refused.json()["phone_number"][0]
    assert not PaymentAttempt.objects.exists()


def test_prompt_form_without_its_csrf_token_is_refused(api, catalog):
    order = _place(api, (catalog.vvip, 1))
    response = _browser().post(f"{_page_path(order)}pay/", {"phone_number": "+254711222333", "method": "MPESA"})
    assert response.status_code == 403 and "This form has expired" in response.content.decode()
    assert not PaymentAttempt.objects.exists()


def test_prompt_form_shows_the_error_when_the_phone_is_of_another_country(api, catalog):
    order = _place(api, (catalog.vvip, 1))
    browser = _browser()
    token = _csrf_token(browser.get(_page_path(order)).content.decode())
    response = browser.post(f"{_page_path(order)}pay/", {"csrfmiddlewaretoken": token,
                                                          "phone_number": "+256772123456", "method": "MPESA"})
    html = response.content.decode()
    assert response.status_code == 400 and re.search(r'id="error">M-Pesa needs a Kenyan phone number', html)
    assert 'value="+256772123456"' in html  # the form keeps what was typed
    assert not PaymentAttempt.objects.exists()


def test_prompt_form_shows_the_error_when_the_method_is_not_wired(api, catalog, monkeypatch):
    monkeypatch.delitem(mobile.MOBILE_MONEY, "AIRTEL", raising=False)
    order = _place(api, (catalog.vvip, 1))
    browser = _browser()
    html = browser.get(_page_path(order)).content.decode()
    assert '<option value="AIRTEL"' not in html
    response = browser.post(f"{_page_path(order)}pay/", {"csrfmiddlewaretoken": _csrf_token(html),
                                                          "phone_number": "+254733111222", "method": "AIRTEL"})
    assert response.status_code == 400 and "Airtel Money payments are not available yet" in response.content.decode()
    json_answer = api.post(f"{_page_path(order)}pay/", {"phone_number": "+254733111222", "method": "AIRTEL"},
                           format="json")
    assert json_answer.status_code == 400 and "method" in json_answer.json()
    assert not PaymentAttempt.objects.exists()


def test_json_client_starts_a_prompt(api, catalog, django_capture_on_commit_callbacks):
    order = _place(api, (catalog.vvip, 1))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{_page_path(order)}pay/", {"phone_number": "+254711222333"}, format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["payment"]["exact_payment_method"] == "MPESA" and body["payment"]["phone"] == "+254711222333"
    assert body["status_url"].endswith(f"{_page_path(order)}status/")
    assert PaymentAttempt.objects.get(pk=body["payment"]["id"]).status == "PENDING"  # the prompt left after commit


def test_paid_order_shows_no_prompt_but_its_tickets(api, catalog):
    order = _place(api, (catalog.vvip, 2))
    assert api.post("/payments/sandbox/complete/", {"order_number": order.order_number},
                    format="json").json()["order_status"] == "PAID"
    html = _browser().get(_page_path(order)).content.decode()
    assert 'id="paid"' in html and 'id="send-prompt"' not in html and 'id="pay-by-card"' not in html
    assert f'href="/stores/orders/{order.pk}/tickets/"' in html
    refused = api.post(f"{_page_path(order)}pay/", {"phone_number": "+254711222333"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "not_payable"


@pytest.mark.parametrize("closing", ["expired", "cancelled"])
def test_closed_order_shows_no_prompt_and_refuses_one(api, catalog, closing):
    order = _place(api, (catalog.vvip, 1))
    if closing == "expired":
        Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        Order.objects.filter(pk=order.pk).update(status="CANCELLED")
    html = _browser().get(_page_path(order)).content.decode()
    assert f"This order is {closing}" in html and 'id="send-prompt"' not in html and 'id="pay-by-card"' not in html
    refused = api.post(f"{_page_path(order)}pay/", {"phone_number": "+254711222333"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "not_payable"
    assert not PaymentAttempt.objects.exists()


def test_status_answers_the_order_state_balance_and_payments(api, catalog, django_capture_on_commit_callbacks):
    order = _place(api, (catalog.vvip, 2), payment_installments=2)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"{_page_path(order)}pay/", {"phone_number": "+254711222333"}, format="json")
    status = api.get(f"{_page_path(order)}status/").json()
    assert (status["order_status"], status["state"], status["balance"], status["amount_due"]) == (
        "PENDING", "open", "9000.00", "4500.00")
    assert [payment["status"] for payment in status["payments"]] == ["PENDING"]
    api.post("/payments/sandbox/complete/", {"order_number": order.order_number}, format="json")
    status = api.get(f"{_page_path(order)}status/").json()
    assert (status["order_status"], status["balance"], status["amount_due"]) == (
        "PARTIALLY_PAID", "4500.00", "4500.00")
    assert [payment["status"] for payment in status["payments"]] == ["SUCCEEDED"]
    assert api.get("/payments/links/8f0e3a52-5d0e-4a8e-9a51-2f0c1d7e9b44/status/").status_code == 404


def test_pay_later_messages_carry_the_payment_link(api, catalog, mailoutbox, smsoutbox,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(api, (catalog.vvip, 1))
    link = f"{BASE}/payments/links/{order.pk}/"
    [mail] = mailoutbox
    assert link in mail.body and f'href="{link}"' in mail.alternatives[0][0]
    [sms] = smsoutbox
    assert sms.body.endswith(f"Pay: {link}")  # whole, within one SMS


def test_installment_reminder_and_expiry_warning_carry_the_payment_link(
        api, catalog, smsoutbox, mailoutbox, django_capture_on_commit_callbacks):
    order = _place(api, (catalog.vvip, 2), payment_installments=2)
    smsoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_reminders_send(order_id=order.pk, now=order.expires_at - timedelta(minutes=30))
    link = f"{BASE}/payments/links/{order.pk}/"
    assert sorted(message.subject.split(" ")[0] for message in mailoutbox[-2:]) == ["Installment", "Order"]
    assert all(link in message.body for message in mailoutbox[-2:])
    assert len(smsoutbox) == 2 and all(message.body.endswith(link) for message in smsoutbox)


def test_prompt_form_says_what_a_phone_looks_like_when_letters_are_typed(api, catalog):
    order = _place(api, (catalog.vvip, 1))
    refused = api.post(f"{_page_path(order)}pay/", {"phone_number": "call me", "method": "MPESA"}, format="json")
    assert refused.status_code == 400 and "e.g. +254712345678" in refused.json()["phone_number"][0]
    assert not PaymentAttempt.objects.exists()
