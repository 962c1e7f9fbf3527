from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.db.models import Sum
from rest_framework.test import APIClient

from orders.models import OrderLine
from stores.models import Ticket
from tests.orders.conftest import Catalog, order_body

pytestmark = pytest.mark.django_db


def test_buyer_limit_counts_pending_and_paid_orders_by_phone_or_email(api, catalog):
    Ticket.objects.filter(pk=catalog.vvip.pk).update(max_per_buyer=3)
    assert api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json").status_code == 201
    same_phone = order_body((catalog.vvip, 2))
    same_phone["customer"]["email"] = "other@example.com"
    response = api.post("/stores/orders/", same_phone, format="json")
    assert response.status_code == 409 and response.json()["code"] == "buyer_limit"
    same_email = order_body((catalog.vvip, 1))
    same_email["customer"]["phone_number"] = "+254733000000"
    assert api.post("/stores/orders/", same_email, format="json").status_code == 201
    assert api.post("/stores/orders/", same_email, format="json").status_code == 409


def test_buyer_limit_frees_up_when_order_cancelled(api, catalog):
    from tests.conftest import client_for

    Ticket.objects.filter(pk=catalog.vvip.pk).update(max_per_buyer=2)
    order_id = api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json").json()["id"]
    client_for(catalog.owner).post(f"/stores/orders/{order_id}/cancel/")
    assert api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json").status_code == 201


@pytest.mark.django_db(transaction=True)
def test_buyer_limit_holds_under_concurrent_orders_of_one_buyer():
    catalog = Catalog()
    Ticket.objects.filter(pk=catalog.vvip.pk).update(max_per_buyer=2)

    def buy(n):
        try:
            body = order_body((catalog.vvip, 1))
            if n % 2:  # half match by email only, half by phone only
                body["customer"]["phone_number"] = f"+2547330{n:05d}"
            else:
                body["customer"]["email"] = f"alias{n}@example.com"
            return APIClient().post("/stores/orders/", body, format="json").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(buy, range(20)))
    # Odd orders share the email, even ones the phone: each identity may hold 2 units at most.
    by_phone = OrderLine.objects.values("order__customer_phone").annotate(n=Sum("item_quantity"))
    by_email = OrderLine.objects.values("order__customer_email").annotate(n=Sum("item_quantity"))
    assert max(row["n"] for row in by_phone) <= 2
    assert max(row["n"] for row in by_email) <= 2
    assert statuses.count(201) == 4
