import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from tests.conftest import client_for
from tests.orders.conftest import order_body, ticket_create

pytestmark = pytest.mark.django_db


def test_order_creation_queries_do_not_grow_with_lines(api, catalog):
    tickets = [ticket_create(catalog.event, f"Zone {n}", "100.00", quantity=10) for n in range(20)]

    def count(items):
        with CaptureQueriesContext(connection) as queries:
            response = api.post("/stores/orders/", order_body(*[(t, 1) for t in items]), format="json")
        assert response.status_code == 201, response.json()
        return len(queries)

    two, twenty = count(tickets[:2]), count(tickets)
    assert twenty == two
    assert count(tickets[:1]) <= two
    assert twenty <= 16


def test_mobile_order_answer_reads_neither_the_order_again_nor_its_payments_or_refunds(api, catalog):
    """The flash-sale path: a new MOBILE order answers from what placing it wrote."""
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json")
    assert response.status_code == 201 and response.json()["refunds"] == []
    statements = [query["sql"] for query in queries]
    assert not any(sql.startswith("SELECT") and "payments_refund" in sql for sql in statements)
    assert not any(sql.startswith('SELECT "orders_order"') for sql in statements)
    # Its payments[] are the attempt placing it just wrote, not read back.
    assert response.json()["payments"][0]["status"] == "STARTING"
    assert not any(sql.startswith("SELECT") and "payments_paymentattempt" in sql for sql in statements)
    assert len(statements) <= 11


def test_order_placement_sorts_nothing(api, catalog):
    """Items are read into a dict by id: an ORDER BY (the models' default ordering) would only cost.
    Row locks alone are taken in id order, on purpose: two orders then never wait on each other."""
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/stores/orders/", order_body((catalog.regular, 1), (catalog.vvip, 1)), format="json")
    assert response.status_code == 201, response.json()
    sorted_reads = [query["sql"] for query in queries if "ORDER BY" in query["sql"]]
    assert sorted_reads and all(sql.endswith("ORDER BY id FOR UPDATE") for sql in sorted_reads), sorted_reads


def test_a_mobile_orders_ticket_row_is_locked_last(api, catalog):
    """Orders for one ticket type queue on its row lock from their UPDATE to their commit: the payment
    attempt is written before it, and nothing after it."""
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json")
    assert response.status_code == 201, response.json()
    statements = [query["sql"] for query in queries]
    reserve = next(index for index, sql in enumerate(statements) if sql.startswith('UPDATE "stores_ticket"'))
    assert any(sql.startswith('INSERT INTO "payments_paymentattempt"') for sql in statements[:reserve])
    assert statements[reserve + 1:] and all(sql.startswith(("RELEASE SAVEPOINT", "COMMIT"))
                                            for sql in statements[reserve + 1:]), statements[reserve + 1:]


def test_a_cash_sale_reserves_its_units_before_it_is_paid(catalog):
    """Money taken at once turns reserved units into sold ones: the reservation comes first."""
    body = order_body((catalog.regular, 2), payment_method="CASH")
    response = client_for(catalog.agent).post("/stores/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Order.objects.get().status == "PAID"
    catalog.regular.refresh_from_db()
    assert (catalog.regular.sold, catalog.regular.reserved) == (2, 0)
