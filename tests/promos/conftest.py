import pytest

from tests.conftest import client_for
from tests.factories.stores import AlbumFactory, EventFactory, TicketFactory


@pytest.fixture
def owner_api(owner):
    return client_for(owner)


@pytest.fixture
def event(store):
    return EventFactory(store=store, is_published=True)


@pytest.fixture
def ticket(event):
    return TicketFactory(event=event, is_published=True)


@pytest.fixture
def album(store):
    return AlbumFactory(store=store, prices={"KES": "500.00", "USD": "4.00"}, is_published=True)
