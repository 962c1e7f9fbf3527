"""Gates racing for one ticket: exactly one admits it, whatever the timing (conditional UPDATE)."""
import threading

import pytest
from django.db import connection

from tests.conftest import client_for
from tests.orders.conftest import Catalog, order_body
from tests.tickets.conftest import pay
from tickets.models import IssuedTicket
from tickets.qr import issued_ticket_token

GATES = 12


def _race(clients, code) -> list[int]:
    barrier = threading.Barrier(len(clients))
    statuses = [None] * len(clients)

    def gate(index, client):
        try:
            barrier.wait(timeout=10)
            statuses[index] = client.post("/stores/check_in/", {"code": code, "gate": f"G{index}"},
                                          format="json").status_code
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=gate, args=(n, client)) for n, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


@pytest.mark.django_db(transaction=True)
def test_exactly_one_gate_admits_when_many_scan_the_same_ticket_at_once(api):
    catalog = Catalog()
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1)), format="json")
    from orders.models import Order

    pay(Order.objects.get(pk=response.json()["id"]))
    ticket = IssuedTicket.objects.get()
    clients = [client_for(catalog.agent) for _ in range(GATES // 2)] + \
              [client_for(catalog.owner) for _ in range(GATES - GATES // 2)]
    statuses = _race(clients, issued_ticket_token(ticket))
    assert sorted(statuses) == [200] + [409] * (GATES - 1)
    ticket.refresh_from_db()
    assert ticket.status == "CHECKED_IN"
    assert ticket.scans.count() == 1
