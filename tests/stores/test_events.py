from datetime import timedelta

import pytest
from django.utils import timezone

from stores.models import Event
from tests.conftest import client_for
from tests.factories.stores import (
    EventCategoryFactory, EventFactory, ScheduleFactory, StoreAgentFactory, StoreFactory, TicketFactory,
)

pytestmark = pytest.mark.django_db

REQUIRED = ("event_category_fk", "event_description", "start_date", "event_name", "store_fk")


def event_body(store, **overrides):
    body = {
        "event_name": "Color run", "event_description": "the color run event",
        "event_category_fk": str(EventCategoryFactory().id), "store_fk": str(store.id),
        "start_date": "2030-01-05T10:00:00Z",
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize("path", ["/stores/event/", "/stores/event", "/stores/event/public/"])
def test_create_event_when_body_valid(owner, store, path):
    response = client_for(owner).post(path, event_body(store, end_date="2030-01-05T18:00:00Z", is_published=True))
    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    assert (event.store, event.event_name, event.is_published) == (store, "Color run", True)


@pytest.mark.parametrize("path", ["/stores/event/", "/stores/event/public/"])
@pytest.mark.parametrize("missing", REQUIRED)
def test_create_event_rejected_naming_field_when_required_field_missing(owner, store, path, missing):
    body = event_body(store)
    del body[missing]
    response = client_for(owner).post(path, body)
    assert response.status_code == 400
    assert missing in response.json()
    assert not Event.objects.exists()


def test_public_endpoint_creates_a_non_private_event_when_body_asks_for_private(owner, store):
    response = client_for(owner).post("/stores/event/public/", event_body(store, is_private=True))
    assert response.status_code == 201
    assert Event.objects.get(pk=response.json()["id"]).is_private is False


def test_create_event_rejected_naming_end_date_when_it_precedes_start_date(owner, store):
    body = event_body(store, start_date="2030-01-05T10:00:00Z", end_date="2030-01-04T10:00:00Z")
    response = client_for(owner).post("/stores/event/", body)
    assert response.status_code == 400
    assert "end_date" in response.json()
    assert not Event.objects.exists()


def test_update_event_rejected_naming_end_date_when_it_precedes_stored_start_date(owner, store):
    event = EventFactory(store=store)
    response = client_for(owner).patch(f"/stores/event/{event.id}/",
                                       {"end_date": (event.start_date - timedelta(hours=1)).isoformat()})
    assert response.status_code == 400
    assert "end_date" in response.json()
    event.refresh_from_db()
    assert event.end_date is None


def test_create_event_rejected_naming_store_fk_when_store_belongs_to_another_owner(owner, other_owner):
    foreign_store = other_owner.owned_stores.get()
    response = client_for(owner).post("/stores/event/", event_body(foreign_store))
    assert response.status_code == 400
    assert "store_fk" in response.json()
    assert not Event.objects.exists()


def test_create_event_rejected_naming_store_fk_when_caller_is_only_its_agent(store):
    agent = StoreAgentFactory(store=store).user
    response = client_for(agent).post("/stores/event/", event_body(store))
    assert response.status_code == 400
    assert "store_fk" in response.json()
    assert not Event.objects.exists()


def test_create_event_rejected_naming_store_fk_when_store_does_not_exist(owner, store):
    body = event_body(store, store_fk="7b0e39bf-44c8-44da-8409-a0a2b8fe9263")
    response = client_for(owner).post("/stores/event/", body)
    assert response.status_code == 400
    assert "store_fk" in response.json()


def test_create_event_rejected_naming_event_category_fk_when_category_unknown(owner, store):
    body = event_body(store, event_category_fk="711ab531-511a-4ee3-8b7e-676ecc8f753d")
    response = client_for(owner).post("/stores/event/", body)
    assert response.status_code == 400
    assert "event_category_fk" in response.json()


def test_super_admin_creates_event_when_store_belongs_to_someone_else(super_admin, store):
    response = client_for(super_admin).post("/stores/event/", event_body(store))
    assert response.status_code == 201
    assert Event.objects.get().store == store


def test_create_sub_event_listed_by_parent_when_parent_in_same_store(owner, store):
    parent = EventFactory(store=store)
    response = client_for(owner).post("/stores/event/", event_body(store, parent_event_id=str(parent.id),
                                                                   event_name="Main stage"))
    assert response.status_code == 201
    assert response.json()["parent_event_id"] == str(parent.id)
    sub_events = client_for(owner).get(f"/stores/event/{parent.id}/").json()["sub_events"]
    assert [(e["id"], e["event_name"]) for e in sub_events] == [(response.json()["id"], "Main stage")]


def test_create_event_rejected_naming_parent_event_id_when_parent_in_another_store(owner, store):
    elsewhere = EventFactory(store=StoreFactory(owner=owner))
    response = client_for(owner).post("/stores/event/", event_body(store, parent_event_id=str(elsewhere.id)))
    assert response.status_code == 400
    assert "parent_event_id" in response.json()
    assert Event.objects.count() == 1


def test_update_event_rejected_naming_parent_event_id_when_it_would_form_a_cycle(owner, store):
    top = EventFactory(store=store)
    middle = EventFactory(store=store, parent_event=top)
    bottom = EventFactory(store=store, parent_event=middle)
    response = client_for(owner).patch(f"/stores/event/{top.id}/", {"parent_event_id": str(bottom.id)})
    assert response.status_code == 400
    assert "parent_event_id" in response.json()
    top.refresh_from_db()
    assert top.parent_event_id is None


def test_update_event_rejected_naming_parent_event_id_when_parent_is_itself(owner, store):
    event = EventFactory(store=store)
    response = client_for(owner).patch(f"/stores/event/{event.id}/", {"parent_event_id": str(event.id)})
    assert response.status_code == 400
    assert "parent_event_id" in response.json()


def test_update_event_rejected_naming_store_fk_when_moved_to_another_store(owner, store):
    event = EventFactory(store=store)
    second_store = StoreFactory(owner=owner)
    response = client_for(owner).patch(f"/stores/event/{event.id}/", {"store_fk": str(second_store.id)})
    assert response.status_code == 400
    assert "store_fk" in response.json()
    event.refresh_from_db()
    assert event.store == store


def test_full_update_event_when_put_repeats_its_store(owner, store):
    event = EventFactory(store=store)
    body = event_body(store, event_name="Renamed", event_category_fk=str(event.event_category_id))
    response = client_for(owner).put(f"/stores/event/{event.id}", body)
    assert response.status_code == 200, response.content
    event.refresh_from_db()
    assert event.event_name == "Renamed"


def test_event_response_lists_tickets_schedules_and_sub_events_when_owner_reads(owner, store):
    event = EventFactory(store=store)
    schedule = ScheduleFactory(event=event, title="Day 1")
    ticket = TicketFactory(event=event, schedule=schedule, quantity=50, sold=5, reserved=3)
    child = EventFactory(store=store, parent_event=event)
    data = client_for(owner).get(f"/stores/event/{event.id}/").json()
    assert [t["id"] for t in data["tickets"]] == [str(ticket.id)]
    assert data["tickets"][0]["schedule_name"] == "Day 1"
    assert [s["id"] for s in data["schedule"]] == [str(schedule.id)]
    assert [e["id"] for e in data["sub_events"]] == [str(child.id)]
    assert data["tickets_count_by_category"] == [{
        "id": str(ticket.id), "ticket_name": ticket.ticket_name, "quantity": 50, "sold": 5, "reserved": 3,
        "available": 42,
    }]
    assert data["total_event_tickets"] == 50


def test_create_event_rejected_naming_event_metadata_when_registration_field_type_unknown(owner, store):
    metadata = {"registration_fields": [{"name": "Age", "type": "date"}]}
    response = client_for(owner).post("/stores/event/", event_body(store, event_metadata=metadata), format="json")
    assert response.status_code == 400
    assert "event_metadata" in response.json()
    assert not Event.objects.exists()


def test_create_event_keeps_registration_fields_when_well_formed(owner, store):
    fields = [{"name": "Age", "required": True, "type": "number"},
              {"name": "T-shirt", "type": "choice", "choices": ["S", "M", "L"]}]
    body = event_body(store, event_metadata={"registration_fields": fields})
    response = client_for(owner).post("/stores/event/", body, format="json")
    assert response.status_code == 201, response.content
    stored = Event.objects.get().event_metadata["registration_fields"]
    assert [(f["name"], f["required"], f["type"]) for f in stored] == [("Age", True, "number"),
                                                                        ("T-shirt", False, "choice")]


def test_delete_event_when_nothing_sold(owner, store):
    event = EventFactory(store=store)
    TicketFactory(event=event)
    assert client_for(owner).delete(f"/stores/event/{event.id}/").status_code == 204
    assert not Event.objects.exists()


def test_delete_event_refused_with_409_when_tickets_were_sold(owner, store):
    event = EventFactory(store=store)
    TicketFactory(event=event, sold=1)
    response = client_for(owner).delete(f"/stores/event/{event.id}/")
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"
    assert Event.objects.filter(pk=event.pk).exists()


def test_delete_event_refused_with_409_when_it_has_sub_events(owner, store):
    event = EventFactory(store=store)
    EventFactory(store=store, parent_event=event)
    response = client_for(owner).delete(f"/stores/event/{event.id}/")
    assert response.status_code == 409
    assert Event.objects.count() == 2


def test_event_list_filtered_when_store_category_published_and_dates_given(owner, store):
    now = timezone.now()
    second_store = StoreFactory(owner=owner)
    match = EventFactory(store=store, is_published=True, start_date=now + timedelta(days=10))
    EventFactory(store=store, is_published=False, event_category=match.event_category,
                 start_date=now + timedelta(days=10))
    EventFactory(store=store, is_published=True, start_date=now + timedelta(days=10))
    EventFactory(store=store, is_published=True, event_category=match.event_category,
                 start_date=now + timedelta(days=40))
    EventFactory(store=second_store, is_published=True, event_category=match.event_category,
                 start_date=now + timedelta(days=10))
    query = {"store": str(store.id), "category": str(match.event_category_id), "published": "true",
             "date_from": (now + timedelta(days=5)).isoformat(), "date_to": (now + timedelta(days=20)).isoformat()}
    body = client_for(owner).get("/stores/event/", query).json()
    assert [e["id"] for e in body["results"]] == [str(match.id)]


def test_event_list_ordered_and_searched_when_asked(owner, store):
    now = timezone.now()
    early = EventFactory(store=store, event_name="Jazz night", start_date=now + timedelta(days=1))
    late = EventFactory(store=store, event_name="Jazz brunch", start_date=now + timedelta(days=9))
    EventFactory(store=store, event_name="Rock", start_date=now + timedelta(days=5))
    body = client_for(owner).get("/stores/event/", {"search": "jazz", "ordering": "-start_date"}).json()
    assert [e["id"] for e in body["results"]] == [str(late.id), str(early.id)]
