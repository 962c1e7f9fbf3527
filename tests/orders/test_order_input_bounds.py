"""Every list and map an order carries is bounded by what the order needs; values are checked strictly."""
import json

import pytest

from orders.models import Order, OrderLine
from stores.models import Event
from tests.conftest import client_for
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


def _line(item, quantity=1, **fields):
    return {"item_id": str(item.pk), "type_name": item.TYPE_NAME, "item_quantity": quantity, **fields}


@pytest.fixture
def registration(catalog):
    Event.objects.filter(pk=catalog.event.pk).update(event_metadata={"registration_fields": [
        {"name": "Age", "required": True, "type": "number"},
        {"name": "Size", "required": False, "type": "choice", "choices": ["S", "M", "L"]}]})


def test_thousands_of_attendee_names_refused_when_more_than_the_bound(api, catalog):
    response = api.post("/stores/orders/", order_body(_line(catalog.regular, ticket_names=["Amina"] * 5000)),
                        format="json")
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_attendee_names_kept_only_up_to_the_units_bought(api, catalog):
    names = ["Amina", "Baraka", "Chebet", "Daudi"]
    response = api.post("/stores/orders/", order_body(_line(catalog.regular, 2, ticket_names=names)), format="json")
    assert response.status_code == 201
    assert OrderLine.objects.get().ticket_names == ["Amina", "Baraka"]


def test_huge_data_entries_refused(api, catalog):
    entries = {f"key{n}": "x" for n in range(20_000)}
    response = api.post("/stores/orders/", order_body(_line(catalog.regular, data_entries=entries)), format="json")
    assert response.status_code == 400 and not Order.objects.exists()


@pytest.mark.parametrize("value", [{"nested": "object"}, ["a", "list"], "x" * 501])
def test_data_entry_values_refused_when_not_short_scalars(api, catalog, value):
    response = api.post("/stores/orders/", order_body(_line(catalog.regular, data_entries={"Note": value})),
                        format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("entries", [{"Note\x00": "x"}, {"Note": "a\x00b"}, {"Note": "\udb6a"}, {"\udb6a": 1}])
def test_data_entries_refused_when_the_database_could_not_hold_them(api, catalog, entries):
    # json.dumps writes the lone surrogate as an escape, as a hostile client would; the test client's
    # own encoder could not send it.
    body = json.dumps(order_body(_line(catalog.regular, data_entries=entries)))
    response = api.post("/stores/orders/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "data_entries" in response.json()["order_detail"]["0"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("age", ["NaN", "Infinity", "-inf", "sNaN", True, "twelve"])
def test_number_registration_field_refuses_non_numbers(api, catalog, registration, age):
    response = api.post("/stores/orders/", order_body(_line(catalog.regular, data_entries={"Age": age})),
                        format="json")
    assert response.status_code == 400 and "data_entries" in response.json()["order_detail"]["0"]


def test_only_declared_registration_answers_are_stored(api, catalog, registration):
    entries = {"Age": 27, "Size": "M", "Unasked": "stored nowhere"}
    response = api.post("/stores/orders/", order_body(_line(catalog.regular, data_entries=entries)), format="json")
    assert response.status_code == 201, response.json()
    assert OrderLine.objects.get().data_entries == {"Age": 27, "Size": "M"}


def test_short_idempotency_key_refused_when_anonymous(api, catalog):
    response = api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not Order.objects.exists()


def test_v1_order_names_the_agent_without_their_email(catalog):
    body = {"customer": {"name": "Walk In", "email": "walkin@example.com", "phone_number": "+254733123456"},
            "currency": "KES", "payment_method": "CASH", "order_detail": [_line(catalog.regular)]}
    agent = client_for(catalog.agent)
    response = agent.post("/stores/order/", body, format="json")
    assert response.status_code == 201, response.json()
    assert catalog.agent.email not in str(response.json())
    assert response.json()["agent_name"] == catalog.agent.full_name


ODD_NUMBERS = ["1e999999", "-1e999999", "1e-999999", "NaN", "Infinity", 1e308, "99999999999999999999999",
               99999999999999999999999, -1, 0, "two", True, [], {}]


@pytest.mark.parametrize("value", ODD_NUMBERS)
@pytest.mark.parametrize("path", ["/stores/orders/", "/stores/order/validate_order/"])
def test_item_quantity_refused_when_the_number_is_odd(api, catalog, path, value):
    response = api.post(path, order_body(_line(catalog.regular, value)), format="json")
    assert response.status_code == 400, response.content
    assert "item_quantity" in response.json()["order_detail"]["0"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_payment_installments_refused_when_the_number_is_odd(api, catalog, value):
    response = api.post("/stores/orders/", order_body((catalog.regular, 1), payment_installments=value),
                        format="json")
    assert response.status_code == 400, response.content
    assert "payment_installments" in response.json()
    assert not Order.objects.exists()
