"""`make run` has no Celery beat: the development server runs the periodic jobs itself."""
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from mookh.inprocess_beat import InProcessBeat
from orders.models import Order
from tests.conftest import client_for
from tests.orders.conftest import catalog, order_body  # noqa: F401  (the catalog fixture)

pytestmark = pytest.mark.django_db


def test_past_due_order_expires_and_units_return_when_the_in_process_beat_ticks(api, catalog):
    order_id = api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json").json()["id"]
    Order.objects.filter(pk=order_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    expiry = {"orders-expire-due": {**settings.CELERY_BEAT_SCHEDULE["orders-expire-due"], "schedule": 0.5}}
    beat = InProcessBeat(expiry)

    assert beat.tick() == ["orders-expire-due"]
    assert beat.tick() == []  # not due again before its interval
    order = client_for(catalog.owner).get(f"/stores/orders/{order_id}/").json()
    assert order["order_status"] == "EXPIRED"
    catalog.vvip.refresh_from_db()
    assert (catalog.vvip.sold, catalog.vvip.reserved) == (0, 0)

    time.sleep(0.6)
    assert beat.tick() == ["orders-expire-due"]


def test_every_scheduled_job_runs_at_the_first_tick_when_started():
    assert sorted(InProcessBeat(settings.CELERY_BEAT_SCHEDULE).tick()) == sorted(settings.CELERY_BEAT_SCHEDULE)
