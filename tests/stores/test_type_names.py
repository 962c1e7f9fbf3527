"""Every ticket and album carries its `type_name` (seed 001), also each ticket inside an event:
what an order line names as its type."""
import pytest

from tests.conftest import client_for
from tests.factories.stores import AlbumFactory, EventFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(store):
    return TicketFactory(event=EventFactory(store=store, is_published=True), is_published=True)


def test_ticket_carries_its_type_name_when_read_publicly(api, ticket):
    assert api.get(f"/stores/tickets/{ticket.id}/").json()["type_name"] == "store.ticket"
    assert [row["type_name"] for row in api.get("/stores/tickets/").json()["results"]] == ["store.ticket"]


@pytest.mark.parametrize("path", ["/stores/event/public/", "/stores/event/"])
def test_event_tickets_carry_their_type_name_when_listed_publicly(api, ticket, path):
    (event,) = api.get(path).json()["results"]
    assert [row["type_name"] for row in event["tickets"]] == ["store.ticket"]
    assert [row["type_name"] for row in api.get(f"/stores/event/{ticket.event_id}/").json()["tickets"]] == [
        "store.ticket"]


def test_album_carries_its_type_name_when_read_publicly(api, store):
    album = AlbumFactory(store=store, is_published=True)
    assert api.get(f"/stores/album/{album.id}/").json()["type_name"] == "digital_content.album"
    assert [row["type_name"] for row in api.get("/stores/album/").json()["results"]] == ["digital_content.album"]


def test_type_name_ignored_when_a_client_sends_another(owner, store):
    ticket = TicketFactory(event=EventFactory(store=store))
    response = client_for(owner).patch(f"/stores/tickets/{ticket.id}/", {"type_name": "digital_content.album"},
                                       format="json")
    assert response.status_code == 200 and response.json()["type_name"] == "store.ticket"
