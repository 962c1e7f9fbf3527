"""An event's `tickets_count_by_category`: availability for everyone, sold and reserved for the store's staff."""
import pytest

from tests.factories.stores import EventFactory, TicketFactory

pytestmark = pytest.mark.django_db

PUBLIC_FIELDS = {"id", "ticket_name", "available"}
STAFF_FIELDS = PUBLIC_FIELDS | {"quantity", "sold", "reserved"}
STAFF = ("owner", "agent", "super_admin")


def test_event_counts_show_sold_and_reserved_only_to_staff_when_read(clients, store):
    event = EventFactory(store=store, is_published=True)
    TicketFactory(event=event, is_published=True, quantity=100, sold=10, reserved=5)
    for role, client in clients.items():
        for path in (f"/stores/event/{event.id}/", "/stores/event/", "/stores/event/public/"):
            body = client.get(path).json()
            [row] = (body["results"][0] if "results" in body else body)["tickets_count_by_category"]
            assert set(row) == (STAFF_FIELDS if role in STAFF else PUBLIC_FIELDS), (role, path)
            assert row["available"] == 85
            if role in STAFF:
                assert (row["quantity"], row["sold"], row["reserved"]) == (100, 10, 5)
