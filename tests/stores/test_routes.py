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


NOT_A_UUID = "not-a-uuid"
# Every catalog route that takes an id, with "{store}"/"{album}" filled by real rows so that only
# the segment under test is malformed.
ID_ROUTES = [
    "/stores/store_type/{bad}/", "/stores/store/{bad}/", "/stores/store/{bad}/agents/",
    "/stores/store/{store}/agents/{bad}/", "/stores/event_category/{bad}/", "/stores/event/{bad}/",
    "/stores/schedule/{bad}/", "/stores/tickets/{bad}/", "/stores/category/{bad}/", "/stores/media_type/{bad}/",
    "/stores/album/{bad}/", "/stores/album/{bad}/media_files/", "/stores/album/{album}/media_files/{bad}/",
]


@pytest.mark.parametrize("method", ["get", "patch", "delete", "post"])
@pytest.mark.parametrize("route", ID_ROUTES)
def test_route_answers_404_when_an_id_is_not_a_uuid(super_admin, store, route, method):
    album = AlbumFactory(store=store)
    path = route.format(bad=NOT_A_UUID, store=store.id, album=album.id)
    response = getattr(client_for(super_admin), method)(path, {}, format="json")
    assert response.status_code == 404, (method, path, response.status_code)
