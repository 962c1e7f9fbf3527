"""Catalog date-times the database cannot hold or read back (years at the ends of the calendar,
offsets past ±18:00) are a 400 naming the field, never a 500; holdable ones are stored and read back."""
import pytest

from stores.models import Event, Schedule, Ticket
from tests.conftest import client_for
from tests.factories.stores import EventCategoryFactory, EventFactory

pytestmark = pytest.mark.django_db

REFUSED = ["0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59", "9999-12-31T23:59:59Z",
           "2030-01-01T00:00:00-21:34", "2030-01-01T00:00:00+23:59"]
ACCEPTED = ["2030-01-01T00:00:00+17:30", "2030-01-01T00:00:00-18:00", "9998-12-31T00:00:00Z"]
EARLY = "0002-01-01T00:00:00Z"


def post(owner, store, kind, field, value):
    if kind == "event":
        body = {"event_name": "Gig", "event_description": "-", "event_category_fk": str(EventCategoryFactory().id),
                "store_fk": str(store.id), "start_date": EARLY, field: value}
        return client_for(owner).post("/stores/event/", body, format="json")
    event = EventFactory(store=store)
    if kind == "ticket":
        body = {"ticket_name": "Regular", "event_fk": str(event.id), "quantity": 10, field: value}
        return client_for(owner).post("/stores/tickets/", body, format="json")
    return client_for(owner).post("/stores/schedule/", {"event_fk": str(event.id), field: value}, format="json")


FIELDS = [("event", "start_date"), ("event", "end_date"), ("ticket", "sales_start"), ("ticket", "sales_end"),
          ("schedule", "start"), ("schedule", "end")]
MODELS = {"event": Event, "ticket": Ticket, "schedule": Schedule}
PATHS = {"event": "/stores/event/", "ticket": "/stores/tickets/", "schedule": "/stores/schedule/"}


@pytest.mark.parametrize("value", REFUSED)
@pytest.mark.parametrize("kind, field", FIELDS)
def test_catalog_date_refused_naming_the_field_when_out_of_range(owner, store, kind, field, value):
    response = post(owner, store, kind, field, value)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not MODELS[kind].objects.exists()


@pytest.mark.parametrize("value", ACCEPTED)
@pytest.mark.parametrize("kind, field", FIELDS)
def test_catalog_date_stored_and_read_back_when_holdable(owner, store, kind, field, value):
    response = post(owner, store, kind, field, value)
    assert response.status_code == 201, response.content
    assert client_for(owner).get(f"{PATHS[kind]}{response.json()['id']}/").status_code == 200
    assert client_for(owner).get(PATHS[kind]).status_code == 200
