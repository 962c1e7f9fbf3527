import pytest

from stores.admin import TicketAdmin
from stores.models import StoreAgentInvitation, Ticket
from tests.conftest import client_for
from tests.factories.stores import AlbumFactory, EventFactory, MediaFileFactory, ScheduleFactory, TicketFactory

pytestmark = pytest.mark.django_db


def ticket_form(ticket, **changes):
    data = {"event": str(ticket.event_id), "schedule": "", "ticket_name": ticket.ticket_name,
            "ticket_description": "", "prices": '{"KES": "1000.00"}', "is_published": "on",
            "ticket_metadata": "{}", "quantity": str(ticket.quantity), "sales_start_0": "", "sales_start_1": "",
            "sales_end_0": "", "sales_end_1": "", "max_per_order": "", "max_per_buyer": ""}
    data.update(changes)
    return data


def test_admin_ticket_edit_keeps_counters_moved_meanwhile(admin_client, monkeypatch):
    ticket = TicketFactory(quantity=100)
    load = TicketAdmin.get_object

    def load_then_an_order_moves_counters(self, *args, **kwargs):
        loaded = load(self, *args, **kwargs)
        Ticket.objects.filter(pk=loaded.pk).update(sold=7, reserved=3)
        return loaded

    monkeypatch.setattr(TicketAdmin, "get_object", load_then_an_order_moves_counters)
    response = admin_client.post(f"/admin/stores/ticket/{ticket.id}/change/",
                                 ticket_form(ticket, ticket_name="Renamed", quantity="120"))
    assert response.status_code == 302, response.content
    ticket.refresh_from_db()
    assert (ticket.ticket_name, ticket.quantity, ticket.sold, ticket.reserved) == ("Renamed", 120, 7, 3)


def test_admin_ticket_edit_refused_when_quantity_below_sold(admin_client):
    ticket = TicketFactory(quantity=100, sold=50)
    response = admin_client.post(f"/admin/stores/ticket/{ticket.id}/change/", ticket_form(ticket, quantity="40"))
    assert response.status_code == 200  # the form again, with the error
    ticket.refresh_from_db()
    assert ticket.quantity == 100


def test_admin_ticket_price_sets_ticket_value_when_prices_changed(admin_client):
    ticket = TicketFactory()
    admin_client.post(f"/admin/stores/ticket/{ticket.id}/change/", ticket_form(ticket, prices='{"kes": 2500}'))
    ticket.refresh_from_db()
    assert (str(ticket.ticket_value), ticket.prices) == ("2500.00", {"KES": "2500.00"})


def test_admin_change_pages_render_with_inlines(admin_client):
    event = EventFactory()
    ScheduleFactory(event=event)
    TicketFactory(event=event)
    EventFactory(store=event.store, parent_event=event)
    album = AlbumFactory()
    MediaFileFactory(album=album)
    for path in (f"/admin/stores/event/{event.id}/change/", f"/admin/stores/album/{album.id}/change/",
                 f"/admin/stores/store/{event.store_id}/change/"):
        assert admin_client.get(path).status_code == 200, path


def test_admin_agent_invitations_searchable_by_email_and_read_only(admin_client, owner, store):
    for email in ("gate@example.com", "door@example.com"):
        client_for(owner).post(f"/stores/store/{store.id}/agents/", {"email": email})
    invitation = StoreAgentInvitation.objects.get(email="gate@example.com")
    listing = admin_client.get("/admin/stores/storeagentinvitation/", {"q": "GATE@"}).content.decode()
    assert "gate@example.com" in listing and "door@example.com" not in listing
    assert admin_client.get(f"/admin/stores/storeagentinvitation/{invitation.pk}/change/").status_code == 200
    assert admin_client.get("/admin/stores/storeagentinvitation/add/").status_code == 403
    response = admin_client.post(f"/admin/stores/storeagentinvitation/{invitation.pk}/change/",
                                 {"store": str(store.pk), "email": "gate@example.com", "status": "ACCEPTED"})
    assert response.status_code == 403
    assert admin_client.post(f"/admin/stores/storeagentinvitation/{invitation.pk}/delete/",
                             {"post": "yes"}).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "PENDING"
