"""Concurrent creates of one source_id make one order: real threads, each on its own PostgreSQL
connection, released together by a barrier. Skip with -k 'not concurren'."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from orders.models import Order
from orders.voucherify.models import ApiCustomer, ApiOrder
from tests.voucherify.conftest import Merchant, create, ticket_item

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12


def _race(merchant: Merchant, bodies: list[dict]) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(len(bodies))

    def post(body):
        try:
            client = merchant.client()
            barrier.wait(timeout=30)
            response = create(client, body)
            return response.status_code, response.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def test_concurrent_creates_with_one_source_id_make_one_order_when_they_race():
    merchant = Merchant()
    vvip = merchant.catalog.vvip
    bodies = [{"source_id": "race-1", "metadata": {"thread": n}, "customer": {"source_id": "racer@example.com"},
               "items": [ticket_item(vvip, 2)]} for n in range(THREADS)]

    results = _race(merchant, bodies)

    assert {status for status, _ in results} == {200}, results
    assert len({body["id"] for _, body in results}) == 1
    assert ApiOrder.objects.count() == 1 and ApiCustomer.objects.count() == 1
    # Every later create changed the same order; none placed another one or held more seats.
    assert Order.objects.exclude(status="CANCELLED").count() == 1
    vvip.refresh_from_db()
    assert vvip.reserved == 2


def test_concurrent_creates_of_different_source_ids_make_one_order_each_when_they_race():
    merchant = Merchant()
    bodies = [{"source_id": f"race-{n}", "amount": 1000} for n in range(THREADS)]

    results = _race(merchant, bodies)

    assert {status for status, _ in results} == {200}
    assert ApiOrder.objects.count() == THREADS == len({body["id"] for _, body in results})
