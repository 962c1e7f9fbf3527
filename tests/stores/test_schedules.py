import pytest

from stores.models import Schedule
from tests.conftest import client_for
from tests.factories.stores import EventFactory, ScheduleFactory

pytestmark = pytest.mark.django_db


def schedule_body(event, **overrides):
    body = {"event_fk": str(event.id), "title": "Day 1", "start": "2030-01-05T08:00:00Z", "end": "2030-01-05T18:00:00Z"}
    body.update(overrides)
    return body


def test_create_schedule_with_defaults_when_only_event_given(owner, store):
    event = EventFactory(store=store)
    response = client_for(owner).post("/stores/schedule/", {"event_fk": str(event.id)}, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["allDay"], data["repeats"], data["dow"], data["start"], data["title"]) == (False, False, [], None, None)


def test_create_schedule_rejected_naming_event_fk_when_event_in_another_owners_store(owner, other_owner):
    foreign_event = EventFactory(store=other_owner.owned_stores.get())
    response = client_for(owner).post("/stores/schedule/", schedule_body(foreign_event), format="json")
    assert response.status_code == 400
    assert "event_fk" in response.json()
    assert not Schedule.objects.exists()


def test_create_schedule_rejected_naming_event_fk_when_missing(owner):
    response = client_for(owner).post("/stores/schedule/", {"title": "Day 1"}, format="json")
    assert response.status_code == 400
    assert "event_fk" in response.json()


def test_create_schedule_rejected_naming_end_when_before_start(owner, store):
    event = EventFactory(store=store)
    body = schedule_body(event, start="2030-01-05T18:00:00Z", end="2030-01-05T08:00:00Z")
    response = client_for(owner).post("/stores/schedule/", body, format="json")
    assert response.status_code == 400
    assert "end" in response.json()
    assert not Schedule.objects.exists()


@pytest.mark.parametrize("dow", [[7], [-1], ["monday"], "0,1"])
def test_create_schedule_rejected_naming_dow_when_not_days_of_week(owner, store, dow):
    response = client_for(owner).post("/stores/schedule/", schedule_body(EventFactory(store=store), dow=dow),
                                      format="json")
    assert response.status_code == 400
    assert "dow" in response.json()
    assert not Schedule.objects.exists()


def test_update_schedule_rejected_naming_event_fk_when_moved_to_another_event(owner, store):
    schedule = ScheduleFactory(event=EventFactory(store=store))
    response = client_for(owner).patch(f"/stores/schedule/{schedule.id}/",
                                       {"event_fk": str(EventFactory(store=store).id)})
    assert response.status_code == 400
    assert "event_fk" in response.json()


def test_schedule_name_shown_on_tickets_when_ticket_has_schedule(owner, store):
    event = EventFactory(store=store)
    schedule = ScheduleFactory(event=event, title="Evening")
    response = client_for(owner).post("/stores/tickets/", {"ticket_name": "Evening pass", "event_fk": str(event.id),
                                                           "quantity": 10, "schedule_fk": str(schedule.id)})
    assert response.status_code == 201
    assert response.json()["schedule_name"] == "Evening"
