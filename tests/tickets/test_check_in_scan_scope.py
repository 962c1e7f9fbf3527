"""Whose scan a scan id names (one account's), and who may check tickets in at all (gate staff only)."""
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import UserFactory
from tests.orders.conftest import store_create
from tickets.models import CheckInScan, IssuedTicket
from tickets.qr import issued_ticket_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(paid_order):
    ticket = IssuedTicket.objects.filter(order=paid_order).order_by("order_line__position", "sequence").first()
    IssuedTicket.objects.filter(pk=ticket.pk).update(issued_at=timezone.now() - timedelta(days=1))
    ticket.refresh_from_db()
    return ticket


def upload(client, scans):
    response = client.post("/stores/check_in/batch/", scans, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def another_stores_owner():
    owner = UserFactory(roles=["store_owner"])
    store_create(owner=owner, name="Opened to squat scan ids")
    return client_for(owner)


@pytest.mark.parametrize("squatter", ["other_agent", "other_owner"])
def test_gate_upload_checks_in_when_another_account_uploaded_its_scan_id_first(gates, ticket, squatter):
    squatting = gates["other_agent"] if squatter == "other_agent" else another_stores_owner()
    at = timezone.now() - timedelta(minutes=5)
    scans = [{"scan_id": "gate-7.000123", "code": issued_ticket_token(ticket), "scanned_at": at.isoformat(),
              "gate": "North"}]
    [squatted] = upload(squatting, scans)
    assert (squatted["status"], squatted["ticket_id"]) == ("ticket_not_found", None)

    [applied] = upload(gates["agent"], scans)
    assert (applied["status"], applied["replayed"], applied["ticket_id"]) == ("checked_in", False, str(ticket.pk))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.checked_in_gate, ticket.checked_in_at) == ("CHECKED_IN", "North", at)

    [replayed] = upload(gates["agent"], scans)
    assert (replayed["status"], replayed["replayed"], replayed["ticket_id"]) == ("checked_in", True, str(ticket.pk))
    assert CheckInScan.objects.filter(scan_id="gate-7.000123").count() == 2


def test_second_accounts_online_check_in_is_409_and_writes_no_scan(gates, catalog, ticket):
    assert gates["agent"].post("/stores/check_in/", {"code": str(ticket.pk)}, format="json").status_code == 200
    response = gates["owner"].post("/stores/check_in/", {"code": str(ticket.pk)}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "already_checked_in")
    [online] = CheckInScan.objects.filter(issued_ticket=ticket)
    assert (online.scan_id, online.agent_id) == (f"online:{ticket.pk}", catalog.agent.pk)


@pytest.mark.parametrize("roles", [[], ["store_agent"], ["store_owner"]], ids=["customer", "agent_role", "owner_role"])
def test_check_in_and_upload_are_403_and_write_nothing_when_caller_staffs_no_store(ticket, roles):
    caller = client_for(UserFactory(roles=roles))
    online = caller.post("/stores/check_in/", {"code": issued_ticket_token(ticket)}, format="json")
    batch = caller.post("/stores/check_in/batch/", [{"scan_id": str(uuid.uuid4()), "code": issued_ticket_token(ticket),
                                                     "scanned_at": timezone.now().isoformat()}], format="json")
    assert [(r.status_code, r.json()["code"]) for r in (online, batch)] == [(403, "permission_denied")] * 2
    assert not CheckInScan.objects.exists()
    ticket.refresh_from_db()
    assert ticket.status == "VALID"
