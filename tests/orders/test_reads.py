"""Who sees which orders, filters, and a constant number of queries."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


def _place(client, body):
    response = client.post("/stores/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def orders(api, catalog):
    web = _place(api, order_body((catalog.vvip, 1)))
    pos = _place(client_for(catalog.agent), order_body((catalog.regular, 2), payment_method="CASH"))
    return {"web": web["id"], "pos": pos["id"]}


def _ids(client, query=""):
    response = client.get(f"/stores/orders/{query}")
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_list_scoped_by_role(api, catalog, orders, super_admin):
    assert api.get("/stores/orders/").status_code == 401
    assert _ids(client_for(catalog.owner)) == {orders["web"], orders["pos"]}
    assert _ids(client_for(catalog.agent)) == {orders["pos"]}
    assert _ids(client_for(UserFactory(roles=["store_owner"]))) == set()
    assert _ids(client_for(super_admin)) == {orders["web"], orders["pos"]}


def test_anyone_reads_an_order_by_its_uuid(api, orders):
    response = api.get(f"/stores/orders/{orders['web']}")
    assert response.status_code == 200
    assert response.json()["id"] == orders["web"]


def test_list_filters(catalog, orders):
    owner = client_for(catalog.owner)
    assert _ids(owner, "?status=PAID") == {orders["pos"]}
    assert _ids(owner, "?payment_method=MOBILE") == {orders["web"]}
    assert _ids(owner, f"?event={catalog.event.pk}") == {orders["web"], orders["pos"]}
    assert _ids(owner, f"?store={catalog.store.pk}") == {orders["web"], orders["pos"]}
    number = Order.objects.get(pk=orders["web"]).order_number
    assert _ids(owner, f"?order_number={number.lower()}") == {orders["web"]}
    assert _ids(owner, "?customer_phone=%2B254720111222") == {orders["web"], orders["pos"]}
    assert _ids(owner, "?customer_email=nobody@example.com") == set()
    assert _ids(owner, "?created_after=2000-01-01T00:00:00Z") == {orders["web"], orders["pos"]}
    bad = owner.get("/stores/orders/?status=NOPE")
    assert bad.status_code == 400 and "status" in bad.json()


def test_list_queries_do_not_grow_with_page_size(api, catalog, super_admin):
    for _ in range(20):
        _place(api, order_body((catalog.regular, 1), (catalog.album, 1)))
    admin = client_for(super_admin)

    def count(size):
        with CaptureQueriesContext(connection) as queries:
            assert len(admin.get(f"/stores/orders/?page_size={size}").json()["results"]) == size
        return len(queries)

    assert count(2) == count(20)
