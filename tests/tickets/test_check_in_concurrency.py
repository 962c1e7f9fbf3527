"""Gates racing for one ticket: exactly one admits it, whatever the timing (conditional UPDATE); one
account's upload sent several times at once applies once (unique scan id per account)."""
import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from orders.models import Order
from tests.conftest import client_for
from tests.orders.conftest import Catalog, order_body
from tests.tickets.conftest import pay
from tickets.models import CheckInScan, IssuedTicket
from tickets.qr import issued_ticket_token

GATES = 12


def _race(clients, path, body_of) -> list:
    """Each client posts `body_of(index)` to `path` at the same moment; their responses, in order."""
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def gate(index, client):
        try:
            barrier.wait(timeout=10)
            responses[index] = client.post(path, body_of(index), format="json")
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=gate, args=(n, client)) for n, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


def _paid_tickets(api, catalog, quantity) -> list[IssuedTicket]:
    response = api.post("/stores/orders/", order_body((catalog.vvip, quantity)), format="json")
    pay(Order.objects.get(pk=response.json()["id"]))
    return list(IssuedTicket.objects.order_by("pk"))


@pytest.mark.django_db(transaction=True)
def test_exactly_one_gate_admits_when_many_scan_the_same_ticket_at_once(api):
    catalog = Catalog()
    [ticket] = _paid_tickets(api, catalog, 1)
    clients = [client_for(catalog.agent) for _ in range(GATES // 2)] + \
              [client_for(catalog.owner) for _ in range(GATES - GATES // 2)]
    code = issued_ticket_token(ticket)
    responses = _race(clients, "/stores/check_in/", lambda index: {"code": code, "gate": f"G{index}"})
    assert sorted(response.status_code for response in responses) == [200] + [409] * (GATES - 1)
    ticket.refresh_from_db()
    assert ticket.status == "CHECKED_IN"
    assert ticket.scans.count() == 1


@pytest.mark.django_db(transaction=True)
def test_upload_applies_once_when_one_account_sends_it_several_times_at_once(api):
    catalog = Catalog()
    tickets = _paid_tickets(api, catalog, 3)
    at = (timezone.now() - timedelta(minutes=5)).isoformat()
    scans = [{"scan_id": str(uuid.uuid4()), "code": issued_ticket_token(ticket), "scanned_at": at, "gate": "North"}
             for ticket in tickets]
    responses = _race([client_for(catalog.agent) for _ in range(GATES // 2)], "/stores/check_in/batch/",
                      lambda index: scans)
    assert [response.status_code for response in responses] == [200] * (GATES // 2)
    results = [response.json()["results"] for response in responses]
    assert all([r["status"] for r in upload] == ["checked_in"] * 3 for upload in results)
    assert sorted(all(r["replayed"] for r in upload) for upload in results) == [False] + [True] * (GATES // 2 - 1)
    assert CheckInScan.objects.count() == 3
    assert IssuedTicket.objects.filter(status="CHECKED_IN", checked_in_by=catalog.agent).count() == 3
