"""Every list endpoint runs the same number of queries for 5 rows as for 50."""
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stores.models import MediaType
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.stores import (
    AlbumFactory, CategoryFactory, EventCategoryFactory, EventFactory, MediaFileFactory, MediaTypeFactory,
    ScheduleFactory, StoreAgentFactory, StoreFactory, StoreTypeFactory, TicketFactory,
)

pytestmark = pytest.mark.django_db

NAMES = (f"name {i}" for i in itertools.count())


def queries_for(client, path, rows_expected):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": 100})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == rows_expected
    return len(captured)


def full_event(store):
    event = EventFactory(store=store, is_published=True)
    schedule = ScheduleFactory(event=event)
    TicketFactory(event=event, schedule=schedule, is_published=True)
    TicketFactory(event=event, is_published=False)
    EventFactory(store=store, parent_event=event, is_published=False, is_private=True)
    return event


def assert_constant(client, path, make, *, per_call=1, existing=0):
    make(5)
    few = queries_for(client, path, existing + 5 * per_call)
    make(45)
    many = queries_for(client, path, existing + 50 * per_call)
    assert few == many


def test_events_list_constant_when_owner_lists(store, owner):
    assert_constant(client_for(owner), "/stores/event/", lambda n: [full_event(store) for _ in range(n)], per_call=2)


def test_events_list_constant_when_anonymous_lists(api, store):
    assert_constant(api, "/stores/event/", lambda n: [full_event(store) for _ in range(n)])


def test_public_events_list_constant(api, store):
    assert_constant(api, "/stores/event/public/", lambda n: [full_event(store) for _ in range(n)])


def test_tickets_list_constant(owner, store):
    event = EventFactory(store=store)
    schedule = ScheduleFactory(event=event)
    assert_constant(client_for(owner), "/stores/tickets/",
                    lambda n: TicketFactory.create_batch(n, event=event, schedule=schedule))


def test_tickets_list_constant_when_anonymous(api, store):
    assert_constant(api, "/stores/tickets/",
                    lambda n: TicketFactory.create_batch(n, event=EventFactory(store=store, is_published=True),
                                                         is_published=True))


def test_schedules_list_constant(owner, store):
    assert_constant(client_for(owner), "/stores/schedule/",
                    lambda n: [ScheduleFactory(event=EventFactory(store=store)) for _ in range(n)])


def test_albums_list_constant(api, store):
    def make(n):
        for _ in range(n):
            MediaFileFactory(album=AlbumFactory(store=store, is_published=True))
    assert_constant(api, "/stores/album/", make)


def test_media_files_list_constant(owner, store):
    album = AlbumFactory(store=store)
    assert_constant(client_for(owner), f"/stores/album/{album.id}/media_files/",
                    lambda n: MediaFileFactory.create_batch(n, album=album))


def test_stores_list_constant(super_admin):
    assert_constant(client_for(super_admin), "/stores/store/", lambda n: StoreFactory.create_batch(n))


def test_store_agents_list_constant(owner, store):
    assert_constant(client_for(owner), f"/stores/store/{store.id}/agents/",
                    lambda n: StoreAgentFactory.create_batch(n, store=store))


def test_store_types_list_constant(api):
    assert_constant(api, "/stores/store_type/", lambda n: [StoreTypeFactory(name=next(NAMES)) for _ in range(n)])


def test_event_categories_list_constant(api):
    assert_constant(api, "/stores/event_category/", lambda n: EventCategoryFactory.create_batch(n))


def test_content_categories_list_constant(api):
    assert_constant(api, "/stores/category/", lambda n: CategoryFactory.create_batch(n))


def test_media_types_list_constant(api):
    assert_constant(api, "/stores/media_type/", lambda n: [MediaTypeFactory(name=next(NAMES)) for _ in range(n)],
                    existing=MediaType.objects.count())  # ALBUM, TRACK and EBOOK come with the migrations


def test_agent_invitations_list_constant(db):
    invited = UserFactory(email="gate@example.com")
    client = client_for(invited)

    def make(n):
        for store in StoreFactory.create_batch(n):
            client_for(store.owner).post(f"/stores/store/{store.id}/agents/", {"email": invited.email})
    assert_constant(client, "/users/invitations/", make)
