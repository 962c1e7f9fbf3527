"""One rule says whether a ticket or an album is on sale; the catalog and orders both read it."""
from datetime import timedelta

import pytest
from django.utils import timezone

from stores.models import Album, Ticket
from stores.selectors import album_on_sale, ticket_sale_closed_reason
from tests.conftest import client_for
from tests.factories.stores import AlbumFactory, EventFactory, TicketFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def on_sale_ticket(store, **fields):
    event = EventFactory(store=store, is_published=True)
    return TicketFactory(event=event, **{"is_published": True, **fields})


def loaded(ticket):
    return Ticket.objects.select_related("event__store").get(pk=ticket.pk)


def test_ticket_not_available_when_its_store_is_inactive(owner, store):
    ticket = on_sale_ticket(store)
    store.is_active = False
    store.save()
    assert client_for(owner).get(f"/stores/tickets/{ticket.id}/").json()["is_available"] is False


def test_ticket_available_when_its_store_is_active(owner, store):
    ticket = on_sale_ticket(store)
    assert client_for(owner).get(f"/stores/tickets/{ticket.id}/").json()["is_available"] is True


@pytest.mark.parametrize("change, reason", [
    ({}, None),
    ({"is_published": False}, "not_published"),
    ({"event__is_published": False}, "not_published"),
    ({"store__is_active": False}, "not_published"),
    ({"sales_start": NOW + timedelta(minutes=1)}, "sales_not_started"),
    ({"sales_end": NOW - timedelta(minutes=1)}, "sales_ended"),
    ({"sales_start": NOW - timedelta(minutes=1), "sales_end": NOW + timedelta(minutes=1)}, None),
    ({"sold": 100}, None),  # sold out is not a closed sale: units are counted apart
])
def test_ticket_sale_closed_reason_names_what_stops_the_sale_when_asked(store, change, reason):
    ticket = on_sale_ticket(store, **{k: v for k, v in change.items() if "__" not in k})
    if "event__is_published" in change:
        ticket.event.is_published = False
        ticket.event.save()
    if "store__is_active" in change:
        store.is_active = False
        store.save()
    assert ticket_sale_closed_reason(loaded(ticket), now=NOW) == reason


@pytest.mark.parametrize("published, active, expected", [
    (True, True, True), (False, True, False), (True, False, False),
])
def test_album_on_sale_only_when_published_in_an_active_store(store, published, active, expected):
    store.is_active = active
    store.save()
    album = AlbumFactory(store=store, is_published=published)
    assert album_on_sale(Album.objects.select_related("store").get(pk=album.pk)) is expected
