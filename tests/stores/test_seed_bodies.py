"""Seed 000's own request bodies (JSON syntax corrected) are accepted and answered with every field it shows."""
from datetime import UTC, datetime

import pytest

from stores.models import Event, EventCategory, Ticket
from tests.conftest import client_for
from tests.factories.stores import EventCategoryFactory, EventFactory

pytestmark = pytest.mark.django_db

SEED_EVENT_CATEGORY_RESPONSE = {"id", "category_name", "event_label", "category_metadata"}
SEED_PUBLIC_EVENT_RESPONSE = {
    "id", "event_name", "event_venue", "event_description", "event_category_fk", "parent_event_id", "category_name",
    "event_poster", "store_fk", "store_type_id", "store_name", "store_contacts", "start_date", "end_date", "is_free",
    "is_private", "is_published", "has_complimentary", "event_metadata", "tickets", "tickets_count_by_category",
    "tickets_total_sales", "tickets_sales_by_platform", "tickets_by_status", "total_event_tickets", "schedule",
    "sub_events", "created",
}
SEED_TICKET_RESPONSE = {
    "id", "ticket_name", "event_fk", "schedule_name", "ticket_description", "schedule_fk", "ticket_value",
    "is_published", "ticket_metadata", "quantity", "tickets_bought", "tickets_available", "is_available",
}
SEED_SCHEDULE_RESPONSE = {"id", "event_name", "event_fk", "title", "allDay", "repeats", "dow", "start", "end"}


def test_event_category_seed_body_accepted_when_posted_by_super_admin(super_admin):
    body = {"category_name": "cat", "event_label": "conference", "category_metadata": None}
    response = client_for(super_admin).post("/stores/event_category/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) >= SEED_EVENT_CATEGORY_RESPONSE
    assert {k: data[k] for k in ("category_name", "event_label", "category_metadata")} == body
    assert EventCategory.objects.filter(pk=data["id"]).exists()


def test_public_event_seed_body_accepted_when_start_date_added(owner, store):
    category = EventCategoryFactory(category_name="cat")
    body = {
        "event_name": "Color run", "event_venue": None, "event_description": "the color run event",
        "event_category_fk": str(category.id), "parent_event_id": None, "category_name": "cat",
        "event_poster": None, "store_fk": str(store.id), "store_type_id": "daf67422-0e40-4a6e-969e-7a58406e229a",
        "store_name": "story", "start_date": "2030-01-05T22:08:37.838000Z",
    }
    response = client_for(owner).post("/stores/event/public/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) >= SEED_PUBLIC_EVENT_RESPONSE
    assert data["store_name"] == store.store_name  # the body's read-only store_name is ignored
    assert data["store_type_id"] == str(store.store_type_id)
    assert data["category_name"] == "cat"
    assert data["store_contacts"] == {"emails": ["shop@example.com"], "phone_numbers": []}
    assert (data["is_private"], data["is_published"], data["end_date"]) == (False, False, None)
    assert data["tickets"] == [] and data["tickets_count_by_category"] == [] and data["sub_events"] == []
    assert (data["tickets_total_sales"], data["tickets_sales_by_platform"]) == (0, {})
    assert data["tickets_by_status"] == {"VALID": 0, "CHECKED_IN": 0, "VOID": 0}
    assert data["total_event_tickets"] is None
    assert datetime.fromisoformat(data["start_date"]) == datetime(2030, 1, 5, 22, 8, 37, 838000, tzinfo=UTC)
    assert Event.objects.get(pk=data["id"]).store == store


def test_ticket_seed_body_accepted_with_its_computed_fields_ignored(owner, store):
    event = EventFactory(store=store)
    body = {
        "ticket_name": "Color run", "event_fk": str(event.id), "schedule_name": None, "ticket_description": None,
        "schedule_fk": None, "ticket_value": "0.00", "is_published": False, "ticket_metadata": {}, "quantity": 20,
        "tickets_bought": 5, "tickets_available": 3,
    }
    response = client_for(owner).post("/stores/tickets/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) >= SEED_TICKET_RESPONSE
    assert (data["quantity"], data["tickets_bought"], data["tickets_available"]) == (20, 0, 20)
    assert (data["ticket_value"], data["currency"], data["prices"]) == ("0.00", "KES", {"KES": "0.00"})
    assert data["schedule_name"] is None and data["schedule_fk"] is None
    ticket = Ticket.objects.get(pk=data["id"])
    assert (ticket.sold, ticket.reserved) == (0, 0)


def test_schedule_answered_with_the_seed_fields_when_created(owner, store):
    event = EventFactory(store=store, event_name="Color run")
    body = {"event_fk": str(event.id), "title": "Day 1", "allDay": True, "repeats": False, "dow": [0, 6],
            "start": "2030-01-05T08:00:00Z", "end": "2030-01-05T18:00:00Z"}
    response = client_for(owner).post("/stores/schedule/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == SEED_SCHEDULE_RESPONSE
    assert (data["event_name"], data["allDay"], data["dow"]) == ("Color run", True, [0, 6])
