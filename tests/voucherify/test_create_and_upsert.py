"""POST /v1/orders: create, and upsert by id or source_id, through HTTP and the order engine."""
import pytest

from orders.models import Order, OrderChannel, OrderLine, OrderStatus
from orders.voucherify.models import ApiCustomer, ApiOrder
from tests.voucherify.conftest import create, ticket_item

pytestmark = pytest.mark.django_db


def test_external_order_is_recorded_with_its_amount_when_items_are_the_clients_own(v1, merchant):
    response = create(v1, {"source_id": "web-1", "items": [
        {"source_id": "tee", "price": 1500, "quantity": 2, "product": {"name": "T-shirt"}},
        {"source_id": "mug", "amount": 900}]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"].startswith("ord_") and body["object"] == "order"
    assert body["status"] == "CREATED" and body["updated_at"] == body["created_at"]
    assert (body["amount"], body["total_amount"], body["discount_amount"]) == (3900, 3900, 0)
    assert [(item["source_id"], item["quantity"], item["price"], item["amount"]) for item in body["items"]] == [
        ("tee", 2, 1500, 3000), ("mug", 1, 900, 900)]
    order = ApiOrder.objects.get(pk=body["id"]).order
    assert order.order_channel == OrderChannel.API and order.status == OrderStatus.PENDING
    assert str(order.order_amount) == "39.00" and order.currency == merchant.store.default_currency
    assert list(order.lines.values_list("type_name", flat=True)) == [OrderLine.EXTERNAL, OrderLine.EXTERNAL]


def test_catalogue_item_reserves_stock_like_a_web_order_when_it_names_a_store_ticket(v1, merchant):
    vvip = merchant.catalog.vvip
    response = create(v1, {"source_id": "web-2", "items": [ticket_item(vvip, 2)]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["amount"] == 900000  # 2 × 4500.00
    assert body["items"][0]["product_id"] == str(vvip.pk) and body["items"][0]["price"] == 450000
    vvip.refresh_from_db()
    assert vvip.reserved == 2


def test_paid_status_records_a_payment_and_issues_tickets_when_the_order_holds_tickets(v1, merchant):
    vvip = merchant.catalog.vvip
    body = create(v1, {"source_id": "web-3", "status": "PAID", "customer": {"source_id": "c-1", "name": "Jane",
                                                                             "email": "jane@example.com"},
                       "items": [ticket_item(vvip, 2)]}).json()

    assert body["status"] == "PAID"
    order = Order.objects.get(api_order__pk=body["id"])
    assert order.status == OrderStatus.PAID and order.amount_paid == order.order_amount
    assert order.payments.get().provider == "api"
    assert order.issued_tickets.count() == 2
    vvip.refresh_from_db()
    assert (vvip.sold, vvip.reserved) == (2, 0)


def test_create_updates_the_same_order_when_source_id_is_sent_again(v1):
    first = create(v1, {"source_id": "web-4", "amount": 1000, "metadata": {"a": 1}}).json()
    again = create(v1, {"source_id": "web-4", "status": "PAID", "metadata": {"b": 2}}).json()

    assert again["id"] == first["id"] and again["created_at"] == first["created_at"]
    assert again["status"] == "PAID" and again["metadata"] == {"b": 2} and again["amount"] == 1000
    assert ApiOrder.objects.count() == 1


def test_create_with_id_updates_that_order_when_the_id_exists(v1):
    first = create(v1, {"source_id": "web-5", "amount": 1000}).json()
    again = create(v1, {"id": first["id"], "amount": 2500})

    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["amount"] == 2500
    assert again.json()["source_id"] == "web-5"


def test_same_customer_source_id_gives_the_same_customer_id_when_used_on_two_orders(v1):
    one = create(v1, {"source_id": "a", "customer": {"source_id": "bob@example.com", "name": "Bob"}}).json()
    two = create(v1, {"source_id": "b", "customer": {"source_id": "bob@example.com"}}).json()

    assert one["customer_id"] == two["customer_id"] and one["customer_id"].startswith("cust_")
    assert one["customer"] == {"id": one["customer_id"], "object": "customer"}
    assert ApiCustomer.objects.get().name == "Bob"


def test_empty_body_creates_an_order_when_nothing_is_given(v1):
    response = v1.post("/v1/orders", content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "CREATED" and response.json()["amount"] == 0
