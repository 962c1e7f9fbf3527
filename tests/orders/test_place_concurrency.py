"""Flash sale: real concurrent transactions against PostgreSQL can never oversell."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from orders.models import Order
from stores.models import Ticket
from tests.orders.conftest import Catalog, order_body, ticket_create

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 200
THREADS = 64  # each thread holds its own PostgreSQL connection (the server allows 100)


def _buy(body):
    try:
        response = APIClient().post("/stores/orders/", body, format="json")
        return response.status_code, response.json().get("code") if response.status_code != 201 else None
    finally:
        connections.close_all()


class Watcher(threading.Thread):
    """Samples sold + reserved while the sale runs, to catch any moment past quantity."""

    def __init__(self, ticket_id):
        super().__init__(daemon=True)
        self.ticket_id, self.highest, self.stop = ticket_id, 0, threading.Event()

    def run(self):
        try:
            while not self.stop.is_set():
                sold, reserved = Ticket.objects.values_list("sold", "reserved").get(pk=self.ticket_id)
                self.highest = max(self.highest, sold + reserved)
        finally:
            connection.close()


def _race(bodies, ticket_id):
    watcher = Watcher(ticket_id)
    watcher.start()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(_buy, bodies))
    watcher.stop.set()
    watcher.join()
    return results, watcher.highest


def _buyer(n):
    return {"name": f"Fan {n}", "email": f"fan{n}@example.com", "phone_number": f"+2547221{n:05d}"}


def test_200_buyers_for_50_tickets_sell_exactly_50():
    catalog = Catalog()
    hot = ticket_create(catalog.event, "Early bird", "1500.00", quantity=50)
    bodies = [order_body((hot, 1), customer=_buyer(n)) for n in range(BUYERS)]
    results, highest = _race(bodies, hot.pk)
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 50
    assert all(code == "sold_out" for status, code in results if status != 201)
    assert statuses.count(409) == BUYERS - 50
    hot.refresh_from_db()
    assert hot.reserved + hot.sold == 50
    assert highest <= 50
    assert Order.objects.count() == 50


def test_200_buyers_race_for_a_promo_code_with_30_uses():
    from promos.models import PromoCode, Promotion, Redemption

    catalog = Catalog()
    promotion = Promotion.objects.create(store=catalog.store, discount_type="PERCENT", percent_discount=50,
                                         max_uses=30)
    PromoCode.objects.create(promotion=promotion, store=catalog.store, code="HALF", max_uses=30)
    line = {"item_id": str(catalog.regular.pk), "type_name": "store.ticket", "item_quantity": 1,
            "promotional_code": "HALF"}
    bodies = [order_body(line, customer=_buyer(n)) for n in range(BUYERS)]
    results, highest = _race(bodies, catalog.regular.pk)
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 30
    assert {code for status, code in results if status != 201} == {"promo_exhausted"}
    assert PromoCode.objects.get(code="HALF").uses == 30
    assert Redemption.objects.filter(status="RESERVED").count() == 30
    catalog.regular.refresh_from_db()
    assert catalog.regular.reserved == 30 and highest <= 30
