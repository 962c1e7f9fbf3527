import pytest

from tests.conftest import client_for
from tests.factories.stores import AlbumFactory, EventFactory, ScheduleFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slash", ["/", ""])
def test_every_catalog_endpoint_answers_when_with_or_without_trailing_slash(owner, store, slash):
    event = EventFactory(store=store)
    ticket, schedule, album = TicketFactory(event=event), ScheduleFactory(event=event), AlbumFactory(store=store)
    paths = [
        "/stores/store_type", "/stores/store", f"/stores/store/{store.id}", f"/stores/store/{store.id}/agents",
        "/stores/event_category", "/stores/event", f"/stores/event/{event.id}", "/stores/event/public",
        "/stores/tickets", f"/stores/tickets/{ticket.id}", "/stores/schedule", f"/stores/schedule/{schedule.id}",
        "/stores/album", f"/stores/album/{album.id}", f"/stores/album/{album.id}/media_files", "/stores/category",
        "/stores/media_type",
    ]
    client = client_for(owner)
    for path in paths:
        assert client.get(path + slash).status_code == 200, path + slash
