"""An order number (6 characters, printed on tickets) opens nothing by itself."""
import re

import pytest

from orders.models import Order
from payments.models import Payment
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.orders.conftest import CUSTOMER, order_body

pytestmark = pytest.mark.django_db
UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


@pytest.fixture
def cash_order(catalog):
    response = client_for(catalog.agent).post("/stores/orders/", order_body((catalog.vvip, 1), payment_method="CASH"),
                                              format="json")
    assert response.status_code == 201, response.json()
    return Order.objects.get(pk=response.json()["id"])


def _verify(client, headers=None, **body):
    return client.post("/stores/order/verify_order/", body, format="json", **(headers or {}))


def test_cash_reference_never_embeds_the_order_id_when_paid_at_the_gate(cash_order):
    payment = Payment.objects.get(order=cash_order)
    for reference in (payment.reference, cash_order.payment_reference):
        assert not UUID.search(reference) and str(cash_order.pk).replace("-", "") not in reference.replace("-", "")


def test_order_number_alone_is_refused_when_anonymous(api, cash_order):
    response = _verify(api, order_number=cash_order.order_number)
    assert response.status_code == 400 and "phone_number" in response.json()


def test_wrong_contact_is_not_found_when_anonymous(api, cash_order):
    assert _verify(api, order_number=cash_order.order_number, phone_number="+254733999888").status_code == 404
    assert _verify(api, order_number=cash_order.order_number, email="someone@else.com").status_code == 404


def test_payment_state_shown_without_the_order_id_when_contact_matches(api, cash_order):
    for contact in ({"phone_number": CUSTOMER["phone_number"]}, {"email": "Jane+tickets@Doe.com"}):
        response = _verify(api, order_number=cash_order.order_number.lower(), **contact)
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["order_status"] == "PAID" and body["order_balance"] == "0.00"
        assert not UUID.search(str(body))


def test_signed_in_staff_need_no_contact_but_strangers_do(catalog, cash_order):
    assert _verify(client_for(catalog.owner), order_number=cash_order.order_number).status_code == 200
    assert _verify(client_for(UserFactory()), order_number=cash_order.order_number).status_code == 404


def test_lookups_of_one_order_number_are_limited_when_address_changes(api, cash_order, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "order_lookup_number": "5/hour"}}
    statuses = [_verify(api, order_number=cash_order.order_number, phone_number=f"+2547330000{n:02d}",
                        headers={"HTTP_X_FORWARDED_FOR": f"197.0.0.{n}"}).status_code for n in range(7)]
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429, 429]
    limited = _verify(api, order_number=cash_order.order_number, phone_number=CUSTOMER["phone_number"])
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
