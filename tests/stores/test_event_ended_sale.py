"""Tickets of an event that is over are no longer on sale, whatever their `sales_end` says.

An event is over at its `end_date`; without one, at the end of the day it starts on in its store's
time zone (Africa/Nairobi for a Kenyan store)."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from stores.models import Ticket
from stores.selectors import ticket_sale_closed_reason
from tests.conftest import client_for
from tests.factories.stores import EventFactory, TicketFactory

pytestmark = pytest.mark.django_db

NAIROBI = ZoneInfo("Africa/Nairobi")


def ticket_of(store, **event_dates):
    event = EventFactory(store=store, is_published=True, **event_dates)
    return TicketFactory(event=event, is_published=True)


def is_available(client, ticket) -> bool:
    return client.get(f"/stores/tickets/{ticket.id}/").json()["is_available"]


def local_midnight_today():
    return datetime.combine(timezone.now().astimezone(NAIROBI).date(), time.min, tzinfo=NAIROBI)


def test_ticket_not_available_when_its_event_ended_without_a_sales_end(api, owner, store):
    now = timezone.now()
    ticket = ticket_of(store, start_date=now - timedelta(hours=5), end_date=now - timedelta(minutes=1))
    assert is_available(api, ticket) is False
    assert is_available(client_for(owner), ticket) is False


def test_ticket_not_available_when_its_event_has_no_end_and_its_start_day_is_over(api, store):
    ticket = ticket_of(store, start_date=local_midnight_today() - timedelta(hours=1))
    assert is_available(api, ticket) is False


def test_ticket_available_when_its_event_has_no_end_and_started_today(api, store):
    ticket = ticket_of(store, start_date=local_midnight_today())
    assert is_available(api, ticket) is True


def test_ticket_available_when_its_event_is_running(api, store):
    now = timezone.now()
    ticket = ticket_of(store, start_date=now - timedelta(days=2), end_date=now + timedelta(hours=1))
    assert is_available(api, ticket) is True


def test_event_ended_closes_the_sale_when_sales_end_is_later(store):
    now = timezone.now()
    ticket = ticket_of(store, start_date=now - timedelta(days=1), end_date=now - timedelta(hours=1))
    Ticket.objects.filter(pk=ticket.pk).update(sales_end=now + timedelta(days=30))
    loaded = Ticket.objects.select_related("event__store").get(pk=ticket.pk)
    assert ticket_sale_closed_reason(loaded, now=now) == "event_ended"


@pytest.mark.parametrize("start_local, now_local, reason", [
    (datetime(2030, 5, 1, 20, 0), datetime(2030, 5, 1, 23, 59), None),
    (datetime(2030, 5, 1, 20, 0), datetime(2030, 5, 2, 0, 0), "event_ended"),
    (datetime(2030, 5, 1, 0, 30), datetime(2030, 5, 1, 0, 10), None),
], ids=["same_evening", "next_midnight", "before_start"])
def test_event_without_end_closes_at_the_end_of_its_local_start_day(store, start_local, now_local, reason):
    ticket = ticket_of(store, start_date=start_local.replace(tzinfo=NAIROBI))
    loaded = Ticket.objects.select_related("event__store").get(pk=ticket.pk)
    assert ticket_sale_closed_reason(loaded, now=now_local.replace(tzinfo=NAIROBI)) == reason
