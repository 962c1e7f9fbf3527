"""POST /stores/check_in/batch/: offline scans apply once each, the earliest scan of a ticket wins."""
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.services import order_refund
from tickets.models import CheckInScan, IssuedTicket
from tickets.qr import issued_ticket_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(paid_order):
    """Issued yesterday: today's scans, however early, come after."""
    yesterday = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    IssuedTicket.objects.filter(order=paid_order).update(issued_at=yesterday)
    return list(IssuedTicket.objects.filter(order=paid_order).order_by("order_line__position", "sequence"))


def scan(ticket_or_code, at, gate, scan_id=None):
    code = issued_ticket_token(ticket_or_code) if isinstance(ticket_or_code, IssuedTicket) else ticket_or_code
    return {"scan_id": scan_id or str(uuid.uuid4()), "code": code, "scanned_at": at.isoformat(), "gate": gate}


def upload(client, scans):
    response = client.post("/stores/check_in/batch/", scans, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def test_duplicates_from_two_gates_keep_the_earliest_scan(gates, tickets):
    ticket, now = tickets[0], timezone.now()
    early, late = now - timedelta(minutes=10), now - timedelta(minutes=2)
    body = upload(gates["agent"], [scan(ticket, late, "South"), scan(ticket, early, "North"),
                                   scan(tickets[1], late, "South")])
    assert [r["status"] for r in body["results"]] == ["already_checked_in", "checked_in", "checked_in"]
    ticket.refresh_from_db()
    assert (ticket.checked_in_at, ticket.checked_in_gate) == (early, "North")
    [duplicate] = body["duplicates"]
    assert duplicate["ticket_id"] == str(ticket.pk) and duplicate["gate"] == "North"
    assert sorted(s["gate"] for s in duplicate["scans"]) == ["North", "South"]


def test_earlier_scan_uploaded_later_takes_over_the_check_in(gates, tickets):
    ticket, now = tickets[0], timezone.now()
    first = upload(gates["agent"], [scan(ticket, now - timedelta(minutes=1), "South")])
    assert first["results"][0]["status"] == "checked_in" and first["duplicates"] == []
    second = upload(gates["owner"], [scan(ticket, now - timedelta(minutes=30), "North")])
    assert second["results"][0]["status"] == "checked_in"
    ticket.refresh_from_db()
    assert ticket.checked_in_gate == "North" and ticket.checked_in_at == now - timedelta(minutes=30)
    [duplicate] = second["duplicates"]
    assert {(s["gate"], s["status"]) for s in duplicate["scans"]} == {("North", "checked_in"),
                                                                      ("South", "already_checked_in")}


def test_offline_scan_earlier_than_an_online_check_in_wins(gates, tickets):
    ticket = tickets[0]
    assert gates["agent"].post("/stores/check_in/", {"code": str(ticket.pk), "gate": "Online"},
                               format="json").status_code == 200
    body = upload(gates["agent"], [scan(ticket, timezone.now() - timedelta(hours=1), "Offline")])
    assert body["results"][0]["status"] == "checked_in"
    assert {s["gate"]: s["status"] for s in body["duplicates"][0]["scans"]} == {
        "Online": "already_checked_in", "Offline": "checked_in"}


def test_retried_upload_applies_each_scan_id_once(gates, tickets):
    scans = [scan(tickets[0], timezone.now() - timedelta(minutes=5), "North"),
             scan(tickets[1], timezone.now() - timedelta(minutes=4), "North")]
    first = upload(gates["agent"], scans)
    again = upload(gates["agent"], scans)
    assert [r["status"] for r in again["results"]] == [r["status"] for r in first["results"]] == ["checked_in"] * 2
    assert all(r["replayed"] for r in again["results"]) and again["duplicates"] == []
    assert CheckInScan.objects.count() == 2


def test_scan_id_is_a_new_scan_not_a_replay_when_another_account_used_it(gates, tickets):
    scans = [scan(tickets[0], timezone.now(), "North")]
    upload(gates["agent"], scans)
    body = upload(gates["other_agent"], scans)
    assert body["results"][0]["status"] == "ticket_not_found" and body["results"][0]["ticket_id"] is None
    assert body["results"][0]["replayed"] is False
    mine = CheckInScan.objects.get(scan_id=scans[0]["scan_id"], issued_ticket=tickets[0])
    assert mine.result == "checked_in" and CheckInScan.objects.filter(scan_id=scans[0]["scan_id"]).count() == 2


def test_unknown_forged_void_and_foreign_scans_are_reported_not_applied(gates, paid_order, tickets):
    order_refund(order_id=paid_order.pk)
    now = timezone.now()
    body = upload(gates["agent"], [scan(tickets[0], now, "A"), scan("forged-code", now, "A"),
                                   scan(str(uuid.uuid4()), now, "A")])
    assert [r["status"] for r in body["results"]] == ["ticket_void", "ticket_token_invalid", "ticket_not_found"]
    foreign = upload(gates["other_agent"], [scan(tickets[1], now, "B")])
    assert foreign["results"][0]["status"] == "ticket_not_found"


def test_future_scan_times_are_clamped_to_now(gates, tickets):
    upload(gates["agent"], [scan(tickets[0], timezone.now() + timedelta(days=1), "North")])
    tickets[0].refresh_from_db()
    assert tickets[0].checked_in_at <= timezone.now()


def test_batch_input_is_validated(gates):
    assert gates["agent"].post("/stores/check_in/batch/", [], format="json").status_code == 400
    assert gates["agent"].post("/stores/check_in/batch/", [{"scan_id": "x"}], format="json").status_code == 400
    reserved = [{"scan_id": "online:x", "code": "abc", "scanned_at": "2026-01-01T10:00Z"}]  # online scans' ids
    assert gates["agent"].post("/stores/check_in/batch/", reserved, format="json").status_code == 400
    response = gates["agent"].post("/stores/check_in/batch/", [{"scan_id": "x", "scanned_at": "2026-01-01T10:00Z"}],
                                   format="json")
    assert response.status_code == 400
    assert gates["agent"].post("/stores/check_in/batch/", [{"scan_id": "x", "token": "abc",
                                                            "scanned_at": "2026-01-01T10:00Z"}],
                               format="json").status_code == 200


def test_batch_is_for_signed_in_gates_only(api):
    assert api.post("/stores/check_in/batch/", [], format="json").status_code == 401


def test_scan_times_before_the_ticket_existed_count_from_its_issue(gates, tickets):
    upload(gates["agent"], [scan(tickets[0], timezone.now() - timedelta(days=3650), "Clock reset")])
    tickets[0].refresh_from_db()
    assert tickets[0].checked_in_at == tickets[0].issued_at
