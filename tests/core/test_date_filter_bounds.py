"""Every date-time filter answers a 400 naming the parameter for a moment the database cannot hold
(years at the ends of the calendar, offsets past ±18:00), and filters in UTC whatever offset it
was written with: never a 500."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import client_for
from tests.factories.stores import EventFactory

pytestmark = pytest.mark.django_db

FILTERS = [
    ("/stores/event/", "date_from"), ("/stores/event/", "date_to"), ("/stores/event/public/", "date_from"),
    ("/stores/event/public/", "date_to"), ("/stores/orders/", "created_after"),
    ("/stores/orders/", "created_before"), ("/stores/order/", "created_after"), ("/stores/order/", "created_before"),
]
REFUSED = [
    "0809-12-19T23:55:09-21:34",  # found by fuzzing: an offset PostgreSQL cannot hold
    "2026-01-01T00:00:00+18:01", "2026-01-01T00:00:00-23:59",
    "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00", "0001-01-01", "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59Z", "10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2026-02-30T00:00:00Z",
    "2026-13-01", "NaN", "Infinity", "now", "1e999999", "2026-01-01T00:00:00+99:00",
]
ACCEPTED = [
    "2026-01-01T00:00:00+17:30", "2026-01-01T00:00:00-18:00", "2026-01-01T00:00:00+14:00",
    "0809-12-19T23:55:09-11:34", "0002-01-01T00:00:00Z", "9998-12-31T00:00:00Z", "2026-06-01",
    "2026-06-01T10:00:00",
]


@pytest.mark.parametrize("value", REFUSED)
@pytest.mark.parametrize("path, parameter", FILTERS)
def test_date_filter_refused_naming_the_parameter_when_out_of_range(super_admin, path, parameter, value):
    response = client_for(super_admin).get(path, {parameter: value})
    assert response.status_code == 400, response.content
    assert parameter in response.json()


@pytest.mark.parametrize("value", ACCEPTED)
@pytest.mark.parametrize("path, parameter", FILTERS)
def test_date_filter_answers_200_when_the_moment_is_holdable(super_admin, path, parameter, value):
    assert client_for(super_admin).get(path, {parameter: value}).status_code == 200


def test_date_filter_compares_in_utc_when_the_offset_is_wider_than_the_database_allows(api, store):
    starts = timezone.now().replace(microsecond=0) + timedelta(days=3)
    event = EventFactory(store=store, is_published=True, start_date=starts)
    just_after = (starts + timedelta(seconds=1)).astimezone(timezone.get_fixed_timezone(17 * 60 + 30))
    just_before = (starts - timedelta(seconds=1)).astimezone(timezone.get_fixed_timezone(-(17 * 60 + 30)))
    ids = lambda response: [row["id"] for row in response.json()["results"]]  # noqa: E731
    assert ids(api.get("/stores/event/", {"date_to": just_after.isoformat()})) == [str(event.id)]
    assert ids(api.get("/stores/event/", {"date_to": just_before.isoformat()})) == []
