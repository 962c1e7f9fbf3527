"""Every date-time in an answer follows one convention: ISO 8601 in TIME_ZONE, with its offset."""
from datetime import datetime

import pytest

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
