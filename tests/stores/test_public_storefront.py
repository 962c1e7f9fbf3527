"""What anonymous storefront clients see: published public events, their published tickets, albums."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.stores import (
    AlbumFactory, EventCategoryFactory, EventFactory, ScheduleFactory, StoreFactory, TicketFactory,
)

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def days(n):
    return timezone.now() + timedelta(days=n)


def test_public_list_shows_only_published_public_events_of_active_stores(api):
    shown = EventFactory(is_published=True)
    EventFactory(is_published=False)
    EventFactory(is_published=True, is_private=True)
    EventFactory(is_published=True, store=StoreFactory(is_active=False))
    assert ids(api.get("/stores/event/public/")) == [str(shown.id)]
    assert ids(api.get("/stores/event/public")) == [str(shown.id)]


def test_public_list_puts_upcoming_events_first_when_some_are_past(api):
    past = EventFactory(is_published=True, start_date=days(-10), end_date=days(-9))
    later = EventFactory(is_published=True, start_date=days(20))
    running = EventFactory(is_published=True, start_date=days(-1), end_date=days(1))
    soon = EventFactory(is_published=True, start_date=days(2))
    assert ids(api.get("/stores/event/public/")) == [str(e.id) for e in (running, soon, later, past)]


def test_public_list_searches_name_and_venue_when_search_given(api):
    by_name = EventFactory(is_published=True, event_name="Sauti Sol live")
    by_venue = EventFactory(is_published=True, event_venue="Sauti Gardens")
    EventFactory(is_published=True, event_name="Other", event_venue="Elsewhere")
    assert set(ids(api.get("/stores/event/public/", {"search": "sauti"}))) == {str(by_name.id), str(by_venue.id)}


def test_public_list_filtered_when_category_store_and_date_range_given(api):
    category = EventCategoryFactory()
    store = StoreFactory()
    wanted = EventFactory(is_published=True, store=store, event_category=category, start_date=days(10))
    EventFactory(is_published=True, store=store, start_date=days(10))
    EventFactory(is_published=True, event_category=category, start_date=days(10))
    EventFactory(is_published=True, store=store, event_category=category, start_date=days(30))
    query = {"category": str(category.id), "store": str(store.id), "date_from": days(5).isoformat(),
             "date_to": days(15).isoformat()}
    assert ids(api.get("/stores/event/public/", query)) == [str(wanted.id)]


def test_public_list_is_paginated_when_page_size_given(api):
    EventFactory.create_batch(3, is_published=True)
    body = api.get("/stores/event/public/", {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"] is not None


def test_private_published_event_fetched_by_id_when_anonymous_but_not_listed(api):
    private = EventFactory(is_published=True, is_private=True)
    assert api.get(f"/stores/event/{private.id}/").status_code == 200
    assert str(private.id) not in ids(api.get("/stores/event/"))
    assert str(private.id) not in ids(api.get("/stores/event/public/"))


def test_unpublished_event_is_404_when_anonymous(api):
    assert api.get(f"/stores/event/{EventFactory(is_published=False).id}/").status_code == 404


def test_event_shows_only_published_tickets_and_their_figures_when_anonymous(api):
    event = EventFactory(is_published=True)
    shown = TicketFactory(event=event, is_published=True, quantity=100)
    TicketFactory(event=event, is_published=False, quantity=30)
    data = api.get(f"/stores/event/{event.id}/").json()
    assert [t["id"] for t in data["tickets"]] == [str(shown.id)]
    assert [row["id"] for row in data["tickets_count_by_category"]] == [str(shown.id)]
    assert data["total_event_tickets"] == 100


def test_event_lists_only_published_sub_events_when_anonymous(api):
    event = EventFactory(is_published=True)
    shown = EventFactory(store=event.store, parent_event=event, is_published=True)
    EventFactory(store=event.store, parent_event=event, is_published=False)
    data = api.get(f"/stores/event/{event.id}/").json()
    assert [e["id"] for e in data["sub_events"]] == [str(shown.id)]


def test_anonymous_ticket_list_shows_published_tickets_of_published_public_events(api):
    public_event = EventFactory(is_published=True)
    shown = TicketFactory(event=public_event, is_published=True)
    TicketFactory(event=public_event, is_published=False)
    TicketFactory(event=EventFactory(is_published=False), is_published=True)
    TicketFactory(event=EventFactory(is_published=True, is_private=True), is_published=True)
    assert ids(api.get("/stores/tickets/")) == [str(shown.id)]
    assert ids(api.get("/stores/tickets/", {"event": str(public_event.id)})) == [str(shown.id)]


def test_published_ticket_of_private_event_fetched_by_id_when_anonymous(api):
    ticket = TicketFactory(event=EventFactory(is_published=True, is_private=True), is_published=True)
    assert api.get(f"/stores/tickets/{ticket.id}/").status_code == 200


def test_anonymous_album_list_shows_only_published_albums(api):
    shown = AlbumFactory(is_published=True)
    AlbumFactory(is_published=False)
    AlbumFactory(is_published=True, store=StoreFactory(is_active=False))
    assert ids(api.get("/stores/album/")) == [str(shown.id)]


def test_anonymous_schedule_list_shows_schedules_of_published_public_events(api):
    shown = ScheduleFactory(event=EventFactory(is_published=True))
    ScheduleFactory(event=EventFactory(is_published=False))
    assert ids(api.get("/stores/schedule/")) == [str(shown.id)]


@pytest.mark.parametrize("path", ["/stores/category/", "/stores/media_type", "/stores/event_category/",
                                  "/stores/store_type"])
def test_reference_lists_readable_when_anonymous(api, path):
    assert api.get(path).status_code == 200
