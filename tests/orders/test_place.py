from decimal import Decimal

import pytest

from orders.models import Order, OrderLine
from stores.models import Ticket
from tests.conftest import client_for
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


def test_order_placed_pending_with_units_reserved_when_mobile(api, catalog):
    response = api.post("/stores/orders/", order_body((catalog.vvip, 2), (catalog.album, 1)), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["order_status"] == "PENDING"
    assert body["order_amount"] == "10000.00" and body["order_balance"] == "10000.00"
    assert body["exact_payment_method"] == "MPESA"
    assert body["order_channel"] == "WEB"
    assert body["payment"]["started"] is True and "+254720111222" in body["payment"]["message"]
    assert len(body["order_number"]) == 6 and not set(body["order_number"]) & set("0O1I")
    catalog.vvip.refresh_from_db()
    assert (catalog.vvip.reserved, catalog.vvip.sold) == (2, 0)


def test_order_response_carries_every_seed_field(api, catalog):
    body = api.post("/stores/orders", order_body((catalog.vvip, 2), (catalog.album, 1)), format="json").json()
    assert set(body) >= {
        "id", "customer", "payer", "agent", "order_detail", "order_status", "order_number", "currency", "short_url",
        "order_amount", "order_balance", "payment_method", "exact_payment_method", "payment_installments",
        "installments_amount", "is_promo_order", "order_channel", "registration_data", "is_mobile_payments",
        "payment_reference", "is_pay_later", "is_gate_purchase", "created", "updated"}
    ticket_line, album_line = body["order_detail"]
    assert set(ticket_line) >= {
        "id", "name", "item_id", "type_name", "item_quantity", "selling_price", "promo_amount", "ticket_url",
        "promo_code", "event", "event_name", "event_venue", "event_description", "event_poster", "event_link",
        "ticket_name", "ticket_description", "start_date", "end_date", "ticket_files", "created", "updated"}
    assert set(album_line) >= {
        "id", "name", "item_id", "type_name", "item_quantity", "selling_price", "promo_amount", "promo_code",
        "album", "category", "category_name", "media_type", "media_type_name", "description", "store_name",
        "authors", "thumbnail", "media_files", "created", "updated"}
    assert album_line["media_files"] == []  # never before payment
    assert body["payer"] == {"email": None, "name": None, "phone_number": None}


def test_cash_order_paid_at_once_by_store_agent(catalog):
    body = order_body((catalog.regular, 3), payment_method="CASH", is_gate_purchase=True)
    response = client_for(catalog.agent).post("/stores/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["order_status"] == "PAID" and data["order_balance"] == "0.00"
    assert data["order_channel"] == "POS" and data["is_gate_purchase"] is True
    assert data["agent"] == str(catalog.agent.pk)
    catalog.regular.refresh_from_db()
    assert (catalog.regular.sold, catalog.regular.reserved) == (3, 0)


def test_zero_amount_order_paid_at_once(api, catalog):
    free = Ticket.objects.create(event=catalog.event, ticket_name="Free", prices={"KES": "0.00"}, quantity=5,
                                 is_published=True)
    response = api.post("/stores/orders/", order_body((free, 2)), format="json")
    assert response.status_code == 201
    assert response.json()["order_status"] == "PAID"


def test_ticket_names_bounded_by_quantity_when_more_names_than_units(api, catalog):
    line = {"item_id": str(catalog.vvip.pk), "type_name": "store.ticket", "item_quantity": 2,
            "ticket_names": ["Alice", "Bob", "Martin"]}
    response = api.post("/stores/orders/", order_body(line), format="json")
    assert response.status_code == 201
    assert OrderLine.objects.get().ticket_names == ["Alice", "Bob"]


def test_payer_defaults_to_customer_for_exact_payment_method(api, catalog):
    body = order_body((catalog.vvip, 1), payer={"name": "Musa", "email": "musa@example.com",
                                                 "phone_number": "+254733123456"})
    response = api.post("/stores/orders/", body, format="json")
    assert response.status_code == 201
    assert response.json()["exact_payment_method"] == "MPESA"
    body = order_body((catalog.vvip, 1), exact_payment_method="AIRTEL")
    assert api.post("/stores/orders/", body, format="json").json()["exact_payment_method"] == "AIRTEL"


def test_order_of_50_lines_accepted(api, catalog):
    line = {"item_id": str(catalog.regular.pk), "type_name": "store.ticket", "item_quantity": 1}
    response = api.post("/stores/orders/", order_body(*[dict(line) for _ in range(50)]), format="json")
    assert response.status_code == 201 and len(response.json()["order_detail"]) == 50


def test_mobile_order_refused_when_payer_wallet_holds_another_currency(api, catalog):
    body = order_body((catalog.vvip, 1), payer={"name": "Musa", "email": "musa@example.com",
                                                 "phone_number": "+256772123456"})
    response = api.post("/stores/orders/", body, format="json")
    assert response.status_code == 400
    assert "UGX" in str(response.json()) and "KES" in str(response.json())
    assert not Order.objects.exists()


def test_installments_amount_rounds_down_to_whole_units(api, catalog):
    body = order_body((catalog.vvip, 1), (catalog.album, 1), payment_installments=3)
    data = api.post("/stores/orders/", body, format="json").json()
    assert Decimal(data["order_amount"]) == Decimal("5500.00")
    assert Decimal(data["installments_amount"]) == Decimal("1833")
    order = Order.objects.get()
    assert (order.expires_at - order.created).total_seconds() == pytest.approx(48 * 3600, abs=5)


def test_html_response_links_to_the_order_payment_page(api, catalog, settings):
    settings.PUBLIC_BASE_URL = "https://api.example.com"
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1), response_type="html"), format="json")
    assert response.status_code == 201
    order = Order.objects.get()
    assert response.json() == {"link": f"https://api.example.com/payments/links/{order.pk}/",
                               "order_number": order.order_number, "currency_code": "KES"}


def test_card_json_response_is_a_signed_card_form(api, catalog):
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1), payment_method="CARD"), format="json")
    body = response.json()
    assert body["pay_response"]["status"] is True
    assert body["pay_response"]["payload"]["reference_number"] == body["order_number"]
    assert body["pay_response"]["payload"]["signature"]


def test_data_entries_validated_against_registration_fields(api, catalog):
    catalog.event.event_metadata = {"registration_fields": [
        {"name": "Age", "required": True, "type": "number"},
        {"name": "Preferred T-shirt Color", "required": False, "type": "choice", "choices": ["Blue", "Red"]}]}
    catalog.event.save()
    line = {"item_id": str(catalog.vvip.pk), "type_name": "store.ticket", "item_quantity": 1,
            "data_entries": {"Age": "27", "Preferred T-shirt Color": "Blue", "Require Packing?": "Yes"}}
    response = api.post("/stores/orders/", order_body(line), format="json")
    assert response.status_code == 201
    assert response.json()["registration_data"][0]["data_entries"]["Age"] == "27"
    for entries in ({"Preferred T-shirt Color": "Blue"}, {"Age": "old"}, {"Age": "3", "Preferred T-shirt Color": "Green"}):
        response = api.post("/stores/orders/", order_body({**line, "data_entries": entries}), format="json")
        assert response.status_code == 400
        assert "data_entries" in response.json()["order_detail"]["0"]
