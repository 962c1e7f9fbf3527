import pytest

from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.catalog_min import AlbumFactory, EventFactory, StoreFactory, TicketFactory


@pytest.fixture
def owner(db):
    return UserFactory(roles=["store_owner"])


@pytest.fixture
def store(owner):
    return StoreFactory(owner=owner)


@pytest.fixture
def owner_api(owner):
    return client_for(owner)


@pytest.fixture
def event(store):
    return EventFactory(store=store)


@pytest.fixture
def ticket(event):
    return TicketFactory(event=event)


@pytest.fixture
def album(store):
    return AlbumFactory(store=store)
