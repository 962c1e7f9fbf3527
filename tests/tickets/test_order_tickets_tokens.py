"""GET /stores/orders/{id}/tickets/: every ticket with its QR code's token, in a fixed number of queries."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.services import order_refund
from tests.tickets.conftest import pay, place
from tickets.keys import ticket_keys
from tickets.tokens import ticket_token_verify

pytestmark = pytest.mark.django_db


def test_every_listed_ticket_carries_its_token_when_order_is_paid(api, paid_order):
    tickets = api.get(f"/stores/orders/{paid_order.pk}/tickets/").json()["tickets"]
    assert len(tickets) == 3
    for ticket in tickets:
        assert str(ticket_token_verify(ticket["token"], ticket_keys().verify).ticket_id) == ticket["id"]
        detail = api.get(f"/stores/orders/{paid_order.pk}/tickets/{ticket['id']}/").json()
        assert ticket["token"] == detail["token"]


def test_listed_tickets_have_no_token_when_void(api, paid_order):
    order_refund(order_id=paid_order.pk)
    tickets = api.get(f"/stores/orders/{paid_order.pk}/tickets/").json()["tickets"]
    assert [ticket["token"] for ticket in tickets] == [None, None, None]


def test_list_queries_stay_the_same_when_order_has_more_tickets(api, catalog):
    small, large = pay(place(api, (catalog.regular, 1))), pay(place(api, (catalog.regular, 8)), reference="PAY-2")

    def queries(order):
        with CaptureQueriesContext(connection) as captured:
            body = api.get(f"/stores/orders/{order.pk}/tickets/").json()
        assert all(ticket["token"] for ticket in body["tickets"])
        return len(body["tickets"]), len(captured)

    (few, few_queries), (many, many_queries) = queries(small), queries(large)
    assert (few, many) == (1, 8)
    assert many_queries == few_queries
