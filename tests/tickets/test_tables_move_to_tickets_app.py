"""Issued tickets and gate scans moved from the orders app to the tickets app: a database that holds
them, migrated across the move, keeps every row, and admin log entries follow their content type."""
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tests.migrations import migrate_to
from tests.tickets.conftest import place
from tickets.models import IssuedTicket

BEFORE_THE_MOVE = [("orders", "0004_customer_email_identity"), ("tickets", None)]


@pytest.mark.django_db(transaction=True)
def test_issued_tickets_scans_and_log_entries_survive_when_migrated_across_the_move(api, catalog):
    order = place(api, (catalog.vvip, 1))
    line = order.lines.get()
    old_apps = migrate_to(BEFORE_THE_MOVE)
    try:
        issued = old_apps.get_model("orders", "IssuedTicket").objects.create(
            order_id=order.pk, order_line_id=line.pk, sequence=1, ticket_id=catalog.vvip.pk,
            event_id=catalog.event.pk, attendee="Wanjiru Kamau", issued_at=timezone.now().replace(microsecond=0))
        old_apps.get_model("orders", "CheckInScan").objects.create(
            scan_id="north-gate-1", issued_ticket_id=issued.pk, scanned_at=timezone.now(), result="already_checked_in")
        old_type = old_apps.get_model("contenttypes", "ContentType").objects.get(app_label="orders",
                                                                               model="issuedticket")
        entry = old_apps.get_model("admin", "LogEntry").objects.create(
            user_id=catalog.owner.pk, content_type_id=old_type.pk, object_id=str(issued.pk),
            object_repr="Wanjiru Kamau", action_flag=2, action_time=timezone.now())
    finally:
        migrate_to()  # the latest schema again, for this test's checks and every test after it

    ticket = IssuedTicket.objects.get(pk=issued.pk)
    assert (ticket.attendee, ticket.order_line_id, ticket.status) == ("Wanjiru Kamau", line.pk, "VALID")
    assert [scan.scan_id for scan in ticket.scans.all()] == ["north-gate-1"]
    assert LogEntry.objects.get(pk=entry.pk).get_edited_object() == ticket
    assert not ContentType.objects.filter(app_label="orders", model__in=["issuedticket", "checkinscan"]).exists()
    body = api.get(f"/stores/orders/{order.pk}/tickets/").json()
    assert [(t["id"], t["attendee"]) for t in body["tickets"]] == [(str(ticket.pk), "Wanjiru Kamau")]
