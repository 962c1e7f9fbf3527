"""Voucherify's statuses on Mookh's status machine, and item changes on orders already placed."""
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order, OrderStatus
from orders.services import order_expire
from orders.voucherify.models import ApiOrder
from tests.voucherify.conftest import create, ticket_item

pytestmark = pytest.mark.django_db


def _put(client, key, body):
    return client.put(f"/v1/orders/{key}", body, format="json")


def _seats(ticket):
    ticket.refresh_from_db()
    return ticket.sold, ticket.reserved


def test_canceled_releases_the_seats_like_a_cancel_when_the_order_is_unpaid(v1, merchant):
    vvip = merchant.catalog.vvip
    create(v1, {"source_id": "c-1", "items": [ticket_item(vvip, 3)]})
    assert _seats(vvip) == (0, 3)

    response = _put(v1, "c-1", {"status": "CANCELED"})

    assert response.status_code == 200 and response.json()["status"] == "CANCELED"
    assert _seats(vvip) == (0, 0)
    assert ApiOrder.objects.get().order.status == OrderStatus.CANCELLED


def test_paid_order_cannot_be_canceled_when_money_was_recorded(v1, merchant):
    create(v1, {"source_id": "c-2", "status": "PAID", "items": [ticket_item(merchant.catalog.vvip, 1)]})

    response = _put(v1, "c-2", {"status": "CANCELED"})

    assert response.status_code == 409 and response.json()["key"] == "illegal_transition"
    assert _seats(merchant.catalog.vvip) == (1, 0)


@pytest.mark.parametrize("first, then", [("PAID", "CREATED"), ("CANCELED", "PAID"), ("FULFILLED", "PAID"),
                                         ("CANCELED", "FULFILLED")])
def test_status_never_moves_back_when_asked(v1, first, then):
    create(v1, {"source_id": "s", "amount": 500, "status": first})

    response = _put(v1, "s", {"status": then})

    assert response.status_code == 409 and response.json()["code"] == 409
    assert v1.get("/v1/orders/s").json()["status"] == first


def test_fulfilled_passes_through_paid_when_a_created_order_is_fulfilled(v1, merchant):
    body = create(v1, {"source_id": "f-1", "items": [ticket_item(merchant.catalog.regular, 2)]}).json()

    fulfilled = _put(v1, body["id"], {"status": "FULFILLED"}).json()

    assert fulfilled["status"] == "FULFILLED"
    order = Order.objects.get(api_order__pk=body["id"])
    assert order.status == OrderStatus.PAID and order.issued_tickets.count() == 2


def test_expired_order_reads_canceled_and_changed_when_its_payment_window_passed(v1, merchant):
    body = create(v1, {"source_id": "e-1", "items": [ticket_item(merchant.catalog.vvip, 1)]}).json()
    create(v1, {"source_id": "e-2", "amount": 100})  # changed later, until e-1 expires
    order = Order.objects.get(api_order__pk=body["id"])
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    order_expire(order_id=order.pk)

    expired = v1.get("/v1/orders/e-1").json()
    assert expired["status"] == "CANCELED" and expired["updated_at"] > body["updated_at"]
    assert v1.get("/v1/orders?order=-updated_at&limit=1").json()["orders"][0]["id"] == body["id"]
    assert _put(v1, "e-1", {"status": "PAID"}).status_code == 409


def test_external_order_never_expires_when_it_holds_no_stock(v1):
    body = create(v1, {"source_id": "x-1", "items": [{"source_id": "tee", "price": 100}]}).json()

    order = Order.objects.get(api_order__pk=body["id"])
    assert order.expires_at > timezone.now() + timedelta(days=3650)


def test_new_items_place_the_order_again_when_it_is_unpaid(v1, merchant):
    vvip, regular = merchant.catalog.vvip, merchant.catalog.regular
    first = create(v1, {"source_id": "i-1", "items": [ticket_item(vvip, 2)]}).json()

    changed = _put(v1, "i-1", {"items": [ticket_item(regular, 1), {"source_id": "parking", "price": 200}]})

    assert changed.status_code == 200
    body = changed.json()
    assert body["id"] == first["id"] and body["amount"] == 100000 + 200
    assert _seats(vvip) == (0, 0) and _seats(regular) == (0, 1)
    assert Order.objects.filter(status=OrderStatus.CANCELLED).count() == 1


def test_same_items_sent_again_change_nothing_when_the_order_is_paid(v1, merchant):
    items = [ticket_item(merchant.catalog.vvip, 1)]
    create(v1, {"source_id": "i-2", "status": "PAID", "items": items})

    again = create(v1, {"source_id": "i-2", "status": "PAID", "items": items, "metadata": {"k": "v"}})
    changed = _put(v1, "i-2", {"items": [ticket_item(merchant.catalog.vvip, 2)]})

    assert again.status_code == 200 and again.json()["metadata"] == {"k": "v"}
    assert changed.status_code == 409 and changed.json()["key"] == "order_items_locked"
    assert Order.objects.count() == 1


def test_update_leaves_unsent_fields_as_they_were(v1):
    create(v1, {"source_id": "u-1", "amount": 700, "metadata": {"a": 1},
                "customer": {"source_id": "cu", "name": "C"}, "items": [{"source_id": "p", "amount": 700}]})

    body = _put(v1, "u-1", {"metadata": {"b": 2}}).json()

    assert (body["amount"], body["metadata"], body["items"][0]["source_id"]) == (700, {"b": 2}, "p")
    assert body["customer_id"].startswith("cust_")


def test_amount_and_discount_of_an_external_order_set_what_is_charged(v1):
    body = create(v1, {"source_id": "d-1", "amount": 10000, "discount_amount": 2500}).json()

    assert (body["amount"], body["discount_amount"], body["total_amount"]) == (10000, 2500, 7500)
    assert str(Order.objects.get().order_amount) == "75.00"
    paid = _put(v1, "d-1", {"status": "PAID"}).json()
    assert paid["status"] == "PAID" and str(Order.objects.get().amount_paid) == "75.00"


def test_order_of_api_lines_shows_in_the_owners_order_list(v1, merchant):
    from tests.conftest import client_for

    create(v1, {"source_id": "o-1", "items": [ticket_item(merchant.catalog.vvip, 1), {"source_id": "p", "price": 5}]})
    create(v1, {"source_id": "o-2", "amount": 100})  # no items at all

    listed = client_for(merchant.catalog.owner).get("/stores/orders/").json()["results"]

    assert len(listed) == 2
    lines = [line for order in listed for line in order["order_detail"]]
    assert {line["type_name"] for line in lines} == {"store.ticket", "external"}
    assert all(order["order_channel"] == "API" for order in listed)
