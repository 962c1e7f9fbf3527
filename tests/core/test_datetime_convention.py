"""Every date-time in an answer follows one convention: ISO 8601 in TIME_ZONE, with its offset."""
from datetime import datetime
from datetime import timezone as dt_timezone

import pytest

from tests.conftest import client_for
from tests.orders.conftest import catalog, order_body  # noqa: F401  (the catalog fixture)

pytestmark = pytest.mark.django_db


def test_order_and_event_datetimes_share_one_convention_when_rendered(api, catalog):
    order = api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json").json()
    [event] = [event for event in api.get("/stores/event/public/").json()["results"]
               if event["id"] == str(catalog.event.pk)]
    [line] = order["order_detail"]

    offsets = {datetime.fromisoformat(value).utcoffset()
               for value in (order["created"], order["expires_at"], line["created"], line["start_date"],
                             event["start_date"], event["created"])}
    assert len(offsets) == 1
    assert line["start_date"] == event["start_date"]


def test_moment_before_the_zones_standard_offset_rendered_in_utc(catalog):
    """Nairobi's local mean time before 1908 was +02:27:16, an offset RFC 3339 readers refuse."""
    catalog.event.start_date = datetime(1900, 6, 1, 12, 0, tzinfo=dt_timezone.utc)
    catalog.event.save(update_fields=["start_date"])

    event = client_for(catalog.owner).get(f"/stores/event/{catalog.event.pk}/").json()

    assert event["start_date"] == "1900-06-01T12:00:00Z"
