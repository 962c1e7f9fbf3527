"""Order numbers: 6 characters without 0/O/1/I, unique, drawn again when taken."""
import itertools

import pytest
from rest_framework.test import APIClient

from orders.models import Order
from tests.orders.conftest import Catalog, order_body


@pytest.mark.django_db(transaction=True)
def test_taken_order_number_is_drawn_again(monkeypatch):
    catalog = Catalog()
    first = APIClient().post("/stores/orders/", order_body((catalog.vvip, 1)), format="json").json()["order_number"]
    # The next draw repeats the first number once, then gives a fresh one.
    draws = itertools.chain(first, "ZZZZZZ")
    monkeypatch.setattr("orders.services.placement.secrets.choice", lambda alphabet: next(draws))
    response = APIClient().post("/stores/orders/", order_body((catalog.vvip, 1)), format="json")
    assert response.status_code == 201
    assert response.json()["order_number"] == "ZZZZZZ"
    assert sorted(Order.objects.values_list("order_number", flat=True)) == sorted([first, "ZZZZZZ"])
    catalog.vvip.refresh_from_db()
    assert catalog.vvip.reserved == 2  # the failed attempt reserved nothing
