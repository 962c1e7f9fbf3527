"""The v1 endpoints (seed 000) run the same engine with the flat representation."""
import pytest

from orders.models import Order
from tests.conftest import client_for
from tests.orders.conftest import CUSTOMER

pytestmark = pytest.mark.django_db

V1_FIELDS = {"id", "customer", "card", "store_fk", "agent", "agent_name", "event_name", "event", "order_items_summary",
             "order_detail", "order_status", "order_number", "currency", "order_amount", "order_balance",
             "promo_code", "promo_code_value", "payment_method", "order_type", "payment_reference", "order_udf",
             "flag_email_sent", "flag_sms_sent"}


def _v1_body(catalog, **fields):
    return {"customer": dict(CUSTOMER), "store_fk": str(catalog.store.pk), "currency": "KES",
            "payment_method": "MPESA", "order_udf": "gate 4",
            "order_detail": [{"item_id": str(catalog.vvip.pk), "type_name": "store.ticket", "item_quantity": 2}],
            **fields}


def test_v1_order_created_with_flat_representation(api, catalog):
    response = api.post("/stores/order/", _v1_body(catalog), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == V1_FIELDS
    assert body["payment_method"] == "MOBILE" and body["order_amount"] == "9000.00"
    assert body["store_fk"] == str(catalog.store.pk) and body["event_name"] == "Mseto Music Show"
    assert body["order_items_summary"] == "2 x VVIP" and body["order_udf"] == "gate 4"
    assert Order.objects.get().exact_payment_method == "MPESA"


def test_v1_refuses_items_of_another_store_than_store_fk(api, catalog):
    from tests.factories import UserFactory
    from tests.orders.conftest import store_create

    other = store_create(owner=UserFactory())
    response = api.post("/stores/order", _v1_body(catalog, store_fk=str(other.pk)), format="json")
    assert response.status_code == 400
    assert "item_id" in response.json()["order_detail"]["0"]


def test_v1_customer_must_be_an_object(api, catalog):
    response = api.post("/stores/order/", _v1_body(catalog, customer="mwangi"), format="json")
    assert response.status_code == 400 and "customer" in response.json()


def test_validate_order_prices_without_writing(api, catalog):
    response = api.post("/stores/order/validate_order/", _v1_body(catalog), format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["order_amount"] == "9000.00"
    assert not Order.objects.exists()
    catalog.vvip.refresh_from_db()
    assert catalog.vvip.reserved == 0


def test_validate_order_reports_errors(api, catalog):
    body = _v1_body(catalog)
    body["order_detail"][0]["item_quantity"] = 999
    response = api.post("/stores/order/validate_order", body, format="json")
    assert response.status_code == 409 and response.json()["code"] == "sold_out"


def test_verify_order_returns_payment_state_without_personal_data(api, catalog):
    number = api.post("/stores/order/", _v1_body(catalog), format="json").json()["order_number"]
    response = api.post("/stores/order/verify_order/", {"order_number": number.lower(),
                                                        "phone_number": CUSTOMER["phone_number"]}, format="json")
    assert response.status_code == 200
    assert response.json()["order_status"] == "PENDING" and response.json()["order_balance"] == "9000.00"
    assert "customer" not in response.json() and "id" not in response.json()
    unknown = {"order_number": "ZZZZZZ", "phone_number": CUSTOMER["phone_number"]}
    assert api.post("/stores/order/verify_order/", unknown, format="json").status_code == 404


def test_v1_list_is_role_scoped(api, catalog):
    api.post("/stores/order/", _v1_body(catalog), format="json")
    assert api.get("/stores/order/").status_code == 401
    assert client_for(catalog.owner).get("/stores/order/").json()["count"] == 1
    assert client_for(catalog.agent).get("/stores/order/").json()["count"] == 0


def test_verify_order_is_throttled_per_order_number(api, catalog, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "order_lookup_number": "2/min"}}
    statuses = [api.post("/stores/order/verify_order/", {"order_number": "ZZZZZZ", "email": f"x{n}@example.com"},
                         format="json", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(3)]
    assert statuses == [404, 404, 429]
