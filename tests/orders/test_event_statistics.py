"""The event's sales statistics come from real paid orders, for the store's staff only."""
import pytest

from tests.conftest import client_for
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


def test_event_statistics_count_paid_orders_by_channel(api, catalog):
    sold = client_for(catalog.agent).post("/stores/orders/", order_body((catalog.regular, 3), payment_method="CASH"),
                                          format="json")
    assert sold.status_code == 201
    api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json")  # pending: not a sale yet
    body = client_for(catalog.owner).get(f"/stores/event/{catalog.event.pk}/").json()
    assert body["tickets_total_sales"] == 3
    assert body["tickets_sales_by_platform"] == {"POS": {"units": 3, "amounts": {"KES": "3000.00"}}}
    by_type = {row["ticket_name"]: (row["sold"], row["reserved"]) for row in body["tickets_count_by_category"]}
    assert by_type == {"VVIP": (0, 2), "Regular": (3, 0)}
    assert body["tickets_by_status"] == {"VALID": 3, "CHECKED_IN": 0, "VOID": 0}


def test_event_sales_hidden_from_the_public(api, catalog):
    sold = client_for(catalog.agent).post("/stores/orders/", order_body((catalog.regular, 3), payment_method="CASH"),
                                          format="json")
    assert sold.status_code == 201
    body = api.get(f"/stores/event/{catalog.event.pk}/").json()
    assert (body["tickets_total_sales"], body["tickets_sales_by_platform"], body["tickets_by_status"]) == (0, {}, {})
