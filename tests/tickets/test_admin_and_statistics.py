"""Issued tickets in the admin (search, void) and counted per event for the statistics."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.stores import EventFactory
from tickets.models import IssuedTicket
from tickets.selectors import issued_ticket_counts_by_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_client):
    return admin_client


def test_counts_by_status_in_one_query_for_any_number_of_events(gates, catalog, paid_order):
    first = IssuedTicket.objects.filter(order=paid_order).first()
    gates["agent"].post("/stores/check_in/", {"code": str(first.pk)}, format="json")
    empty = EventFactory()
    with CaptureQueriesContext(connection) as queries:
        counts = issued_ticket_counts_by_status([catalog.event.pk, empty.pk])
    assert len(queries) == 1
    assert counts == {catalog.event.pk: {"VALID": 2, "CHECKED_IN": 1, "VOID": 0},
                      empty.pk: {"VALID": 0, "CHECKED_IN": 0, "VOID": 0}}
    assert issued_ticket_counts_by_status([str(catalog.event.pk)])[str(catalog.event.pk)]["VALID"] == 2


@pytest.mark.parametrize("term", ["Amina", "order_number", "ticket_id"])
def test_admin_finds_tickets_by_attendee_order_number_or_id(staff, paid_order, term):
    ticket = IssuedTicket.objects.get(order=paid_order, attendee="Amina Njeri")
    query = {"Amina": "Amina", "order_number": paid_order.order_number, "ticket_id": str(ticket.pk)[:13]}[term]
    response = staff.get("/admin/tickets/issuedticket/", {"q": query})
    assert response.status_code == 200
    assert str(ticket.pk) in response.content.decode()


def test_admin_void_action_voids_selected_tickets(staff, paid_order):
    ticket = IssuedTicket.objects.filter(order=paid_order).first()
    response = staff.post("/admin/tickets/issuedticket/", {"action": "void_tickets", "_selected_action": [ticket.pk]})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "VOID" and ticket.voided_at is not None
    assert IssuedTicket.objects.filter(order=paid_order, status="VALID").count() == 2


def test_admin_event_check_ins_page_shows_counts(staff, gates, catalog, paid_order):
    gates["agent"].post("/stores/check_in/", {"code": str(IssuedTicket.objects.first().pk)}, format="json")
    response = staff.get("/admin/tickets/eventcheckins/")
    assert response.status_code == 200
    page = response.content.decode()
    assert catalog.event.event_name in page
    assert '<td class="field-issued">3</td>' in page and '<td class="field-checked_in">1</td>' in page


def test_admin_ticket_and_scan_pages_render(staff, paid_order):
    ticket = IssuedTicket.objects.first()
    assert staff.get(f"/admin/tickets/issuedticket/{ticket.pk}/change/").status_code == 200
    assert staff.get("/admin/tickets/checkinscan/").status_code == 200



def test_event_admin_page_shows_check_in_count(staff, gates, catalog, paid_order):
    first = IssuedTicket.objects.filter(order=paid_order).first()
    gates["agent"].post("/stores/check_in/", {"code": str(first.pk)}, format="json")
    response = staff.get(f"/admin/stores/event/{catalog.event.pk}/change/")
    assert response.status_code == 200
    assert "1 of 3 tickets checked in (0 void)" in response.content.decode()
