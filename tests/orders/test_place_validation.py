"""Every bad order input: a 400 naming the field (409 for conflicts), and nothing written."""
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order
from stores.models import Ticket
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.orders.conftest import order_body, store_create, ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_written(catalog):
    yield
    assert not Order.objects.exists()
    assert not Ticket.objects.filter(reserved__gt=0).exists()


def _line(item, quantity=1, **extra):
    return {"item_id": str(item.pk), "type_name": item.TYPE_NAME, "item_quantity": quantity, **extra}


def _refused(client, body, *path):
    response = client.post("/stores/orders/", body, format="json")
    assert response.status_code == 400, response.json()
    errors = response.json()
    for key in path:
        errors = errors[key]
    return errors


@pytest.mark.parametrize("path", ["/stores/orders/", "/stores/order/"])
def test_order_of_more_than_50_lines_refused_before_anything_is_reserved(api, catalog, path):
    line = {"item_id": str(catalog.regular.pk), "type_name": "store.ticket", "item_quantity": 1}
    response = api.post(path, order_body(*[dict(line) for _ in range(51)]), format="json")
    assert response.status_code == 400 and "no more than 50" in str(response.json()["order_detail"])
    catalog.regular.refresh_from_db()
    assert catalog.regular.reserved == 0  # and no order: this module's fixture checks it


def test_refused_when_order_detail_empty_or_missing(api, catalog):
    _refused(api, order_body(), "order_detail")
    body = order_body()
    del body["order_detail"]
    _refused(api, body, "order_detail")


@pytest.mark.parametrize("field", ["currency", "payment_method", "customer"])
def test_refused_when_required_field_missing(api, catalog, field):
    body = order_body((catalog.vvip, 1))
    del body[field]
    _refused(api, body, field)


@pytest.mark.parametrize("field", ["name", "email", "phone_number"])
def test_refused_when_customer_field_missing(api, catalog, field):
    body = order_body((catalog.vvip, 1))
    del body["customer"][field]
    _refused(api, body, "customer", field)


@pytest.mark.parametrize("phone", ["0720111222", "+2547", "not a phone"])
def test_refused_when_phone_not_e164(api, catalog, phone):
    body = order_body((catalog.vvip, 1))
    body["customer"]["phone_number"] = phone
    _refused(api, body, "customer", "phone_number")


def test_refused_when_type_name_or_item_unknown(api, catalog):
    assert "type_name" in _refused(api, order_body(_line(catalog.vvip) | {"type_name": "store.cake"}), "order_detail")["0"]
    assert "item_id" in _refused(api, order_body(_line(catalog.vvip) | {"item_id": str(uuid.uuid4())}), "order_detail")["0"]
    # an album id sent as a ticket is unknown as a ticket
    assert "item_id" in _refused(api, order_body(_line(catalog.album) | {"type_name": "store.ticket"}), "order_detail")["0"]


def test_refused_when_item_unpublished_or_event_unpublished(api, catalog):
    Ticket.objects.filter(pk=catalog.vvip.pk).update(is_published=False)
    assert "item_id" in _refused(api, order_body((catalog.vvip, 1)), "order_detail")["0"]
    catalog.event.is_published = False
    catalog.event.save()
    assert "item_id" in _refused(api, order_body((catalog.regular, 1)), "order_detail")["0"]


@pytest.mark.parametrize("quantity", [0, -1, "two", 1.5])
def test_refused_when_quantity_not_positive_integer(api, catalog, quantity):
    assert "item_quantity" in _refused(api, order_body(_line(catalog.vvip, quantity)), "order_detail")["0"]


def test_refused_when_quantity_above_max_per_order(api, catalog):
    Ticket.objects.filter(pk=catalog.vvip.pk).update(max_per_order=4)
    assert "item_quantity" in _refused(api, order_body((catalog.vvip, 5)), "order_detail")["0"]
    # split over two lines, the order still holds 5
    assert "item_quantity" in _refused(api, order_body((catalog.vvip, 3), (catalog.vvip, 2)), "order_detail")["1"]


def test_refused_when_currency_not_priced_on_an_item(api, catalog):
    errors = _refused(api, order_body((catalog.vvip, 1), (catalog.album, 1), currency="USD"))
    assert "currency" in errors
    assert "item_id" in errors["order_detail"]["0"] and "1" not in errors["order_detail"]


def test_refused_when_cash_without_agent_of_every_store(api, catalog):
    _refused(api, order_body((catalog.vvip, 1), payment_method="CASH"), "agent")
    stranger = UserFactory(roles=["store_agent"])
    _refused(client_for(stranger), order_body((catalog.vvip, 1), payment_method="MOBILE_CASH"), "agent")
    other_store = store_create(owner=UserFactory(), name="Other")
    from stores.models import Event

    other_event = Event.objects.create(store=other_store, event_category=catalog.category, event_name="Other",
                                       event_description="x", start_date=timezone.now() + timedelta(days=3),
                                       is_published=True)
    other_ticket = ticket_create(other_event, "GA", "100.00", quantity=5)
    body = order_body((catalog.vvip, 1), (other_ticket, 1), payment_method="CASH")
    _refused(client_for(catalog.agent), body, "agent")
    body = order_body((catalog.vvip, 1), payment_method="CASH", agent=str(stranger.pk))
    _refused(client_for(catalog.agent), body, "agent")


@pytest.mark.parametrize("method, exact, phone", [
    ("MOBILE", "MTNUG", "+254720111222"),
    ("MOBILE", "MPESA", "+256772123456"),
    ("MOBILE", "BITCOIN", "+254720111222"),
    ("CARD", "MPESA", "+254720111222"),
    ("MOBILE", "MPESA", "+255754123456"),
])
def test_refused_when_exact_payment_method_not_valid_for_country(api, catalog, method, exact, phone):
    body = order_body((catalog.vvip, 1), payment_method=method, exact_payment_method=exact)
    body["customer"]["phone_number"] = phone
    _refused(api, body, "exact_payment_method")


@pytest.mark.parametrize("installments", [0, -2, 7, "x"])
def test_refused_when_installments_out_of_range(api, catalog, installments):
    _refused(api, order_body((catalog.vvip, 1), payment_installments=installments), "payment_installments")


@pytest.mark.parametrize("names", ["Alice", [1, 2], {"a": "b"}, [None]])
def test_refused_when_ticket_names_not_list_of_strings(api, catalog, names):
    assert "ticket_names" in _refused(api, order_body(_line(catalog.vvip, 1, ticket_names=names)), "order_detail")["0"]


def test_refused_when_sales_window_closed(api, catalog):
    Ticket.objects.filter(pk=catalog.vvip.pk).update(sales_end=timezone.now() - timedelta(minutes=1))
    Ticket.objects.filter(pk=catalog.regular.pk).update(sales_start=timezone.now() + timedelta(days=1))
    assert "item_id" in _refused(api, order_body((catalog.vvip, 1)), "order_detail")["0"]
    assert "item_id" in _refused(api, order_body((catalog.regular, 1)), "order_detail")["0"]


def test_sold_out_is_409_and_nothing_reserved(api, catalog):
    response = api.post("/stores/orders/", order_body((catalog.regular, 2), (catalog.vvip, 51)), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "sold_out"
    catalog.regular.refresh_from_db()
    assert catalog.regular.reserved == 0
