import io

import pytest

from stores import demo as stores_demo
from stores.models import Album, Event, Schedule, Store, StoreAgent, Ticket
from users import demo as users_demo

pytestmark = pytest.mark.django_db


def load_twice():
    out = io.StringIO()
    users_demo.load(out)
    stores_demo.load(out)
    first = (Store.objects.count(), Event.objects.count(), Ticket.objects.count(), Album.objects.count())
    stores_demo.load(out)
    return first, out.getvalue()


def test_demo_creates_store_events_tickets_and_album_once_when_loaded_twice():
    first, output = load_twice()
    assert first == (Store.objects.count(), Event.objects.count(), Ticket.objects.count(), Album.objects.count())
    store = Store.objects.get()
    assert store.owner.email == "owner@mookh.local"
    assert StoreAgent.objects.get(store=store).user.email == "agent@mookh.local"
    top_level = Event.objects.filter(parent_event__isnull=True, is_published=True, is_private=False)
    assert top_level.count() == 3
    with_parts = [e for e in top_level if e.sub_events.count() == 2]
    assert len(with_parts) == 1 and Schedule.objects.filter(event=with_parts[0]).exists()
    tickets = Ticket.objects.all()
    assert all(t.is_published and "KES" in t.prices and 100 <= t.quantity <= 500 for t in tickets)
    assert Album.objects.get(is_published=True).prices["KES"] == "800.00"
    assert "Demo catalog" in output
