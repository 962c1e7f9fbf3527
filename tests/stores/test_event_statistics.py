import pytest

from stores.selectors import event_statistics
from tests.factories.stores import EventFactory, StoreFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_statistics_count_each_ticket_type_when_event_has_tickets():
    event = EventFactory()
    regular = TicketFactory(event=event, ticket_name="Regular", quantity=100, sold=10, reserved=5)
    vip = TicketFactory(event=event, ticket_name="VIP", quantity=20, sold=20)
    stats = event_statistics([event.id])[event.id]
    assert stats["tickets_count_by_category"] == [
        {"id": regular.id, "ticket_name": "Regular", "quantity": 100, "sold": 10, "reserved": 5, "available": 85},
        {"id": vip.id, "ticket_name": "VIP", "quantity": 20, "sold": 20, "reserved": 0, "available": 0},
    ]
    assert stats["total_event_tickets"] == 120


def test_statistics_empty_when_event_has_no_tickets():
    event = EventFactory()
    stats = event_statistics([event.id])[event.id]
    assert (stats["tickets_count_by_category"], stats["total_event_tickets"]) == ([], None)


def test_statistics_leave_out_unpublished_types_when_public():
    event = EventFactory()
    TicketFactory(event=event, is_published=False, quantity=7)
    shown = TicketFactory(event=event, is_published=True, quantity=3)
    stats = event_statistics([event.id], public=True)[event.id]
    assert [row["id"] for row in stats["tickets_count_by_category"]] == [shown.id]
    assert stats["total_event_tickets"] == 3


def test_statistics_show_only_availability_when_public():
    event = EventFactory()
    shown = TicketFactory(event=event, is_published=True, ticket_name="Regular", quantity=100, sold=10, reserved=5)
    stats = event_statistics([event.id], public=True)[event.id]
    assert stats["tickets_count_by_category"] == [{"id": shown.id, "ticket_name": "Regular", "available": 85}]


def test_statistics_keep_events_apart_when_several_asked():
    store = StoreFactory()
    first, second = EventFactory(store=store), EventFactory(store=store)
    TicketFactory(event=first, quantity=10)
    TicketFactory(event=second, quantity=30)
    stats = event_statistics([first.id, second.id])
    assert (stats[first.id]["total_event_tickets"], stats[second.id]["total_event_tickets"]) == (10, 30)


def test_statistics_use_a_fixed_number_of_queries_whatever_the_number_of_events(django_assert_max_num_queries):
    events = [EventFactory() for _ in range(30)]
    for event in events:
        TicketFactory.create_batch(2, event=event)
    with django_assert_max_num_queries(1):
        event_statistics([events[0].id])
    with django_assert_max_num_queries(1):
        event_statistics([event.id for event in events])
