"""The payment page's mobile money button sends at most one prompt per order per 30 s (a double
press), answered 429 with Retry-After: JSON to API clients, the page with a readable message to
browsers. A refused form (a mistyped phone) does not start the wait."""
import re
import time

import pytest
from django.test import Client

from orders.models import Order
from payments import http
from payments.models import PaymentAttempt
from tests.orders.conftest import Catalog, order_body
from tests.users.helpers import throttle_rates

pytestmark = pytest.mark.django_db
PHONE = "+254711222333"


@pytest.fixture
def catalog(db):
    return Catalog()


@pytest.fixture(autouse=True)
def _sandbox():
    http.sandbox_requests.clear()
    yield
    http.sandbox_requests.clear()


def _place(api, catalog):
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1), is_pay_later=True), format="json")
    assert response.status_code == 201, response.json()
    return Order.objects.get(order_number=response.json()["order_number"]).pk


def _pushes() -> int:
    return sum(request["url"].endswith("/processrequest") for request in http.sandbox_requests)


def _pay(api, order_id, phone=PHONE):
    return api.post(f"/payments/links/{order_id}/pay/", {"phone_number": phone, "method": "MPESA"}, format="json")


def test_second_prompt_refused_with_retry_after_when_asked_within_30_seconds(
        api, catalog, django_capture_on_commit_callbacks):
    order_id = _place(api, catalog)
    with django_capture_on_commit_callbacks(execute=True):
        assert _pay(api, order_id).status_code == 202
        again = _pay(api, order_id)
    assert again.status_code == 429 and again.json()["code"] == "prompt_too_soon"
    assert 25 <= int(again["Retry-After"]) <= 30
    assert PaymentAttempt.objects.filter(order_id=order_id).count() == 1 and _pushes() == 1


def test_other_order_prompted_when_one_order_waits(api, catalog):
    first, second = _place(api, catalog), _place(api, catalog)
    assert _pay(api, first).status_code == 202
    assert _pay(api, second, phone="+254722333444").status_code == 202


def test_refused_form_does_not_start_the_wait_when_the_phone_is_mistyped(api, catalog):
    order_id = _place(api, catalog)
    assert _pay(api, order_id, phone="+256772123456").status_code == 400  # M-Pesa needs a Kenyan phone
    assert _pay(api, order_id).status_code == 202


def test_prompt_sent_again_when_the_wait_is_over(api, catalog, settings):
    throttle_rates(settings, payment_prompt_order_cooldown="1/1s")
    order_id = _place(api, catalog)
    assert _pay(api, order_id).status_code == 202
    assert _pay(api, order_id).status_code == 429
    time.sleep(1.1)
    assert _pay(api, order_id).status_code == 202


def test_page_shows_a_readable_message_when_pressed_twice(api, catalog):
    order_id = _place(api, catalog)
    browser = Client(enforce_csrf_checks=True)
    page = f"/payments/links/{order_id}/"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', browser.get(page).content.decode()).group(1)
    form = {"csrfmiddlewaretoken": token, "phone_number": PHONE, "method": "MPESA"}
    assert browser.post(f"{page}pay/", form).status_code == 303
    again = browser.post(f"{page}pay/", form)
    html = again.content.decode()
    assert again.status_code == 429 and again["Content-Type"].startswith("text/html")
    assert int(again["Retry-After"]) > 0
    assert re.search(r'id="error">A payment request was just sent to this order&#x27;s phone: wait \d+ seconds', html)
    assert f'value="{PHONE}"' in html  # the form is still there, as typed
