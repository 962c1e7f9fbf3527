"""An order for tickets of an event that has ended is refused: the sale is closed."""
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order
from stores.models import Event
from stores.selectors import SALE_CLOSED_MESSAGES
from tests.conftest import client_for
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(catalog):
    now = timezone.now()
    Event.objects.filter(pk=catalog.event.pk).update(start_date=now - timedelta(hours=6),
                                                     end_date=now - timedelta(minutes=5))
    return catalog


def test_order_refused_with_the_sale_closed_message_when_the_event_ended(api, ended):
    response = api.post("/stores/orders/", order_body((ended.regular, 1)), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["order_detail"]["0"]["item_id"] == [SALE_CLOSED_MESSAGES["event_ended"]]
    assert not Order.objects.exists()
    ended.regular.refresh_from_db()
    assert ended.regular.reserved == 0


def test_gate_order_refused_when_the_event_ended(ended):
    body = order_body((ended.regular, 1), payment_method="CASH", is_gate_purchase=True)
    response = client_for(ended.agent).post("/stores/orders/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["order_detail"]["0"]["item_id"] == [SALE_CLOSED_MESSAGES["event_ended"]]
    assert not Order.objects.exists()


def test_order_refused_when_the_event_without_end_started_on_an_earlier_day(api, catalog):
    Event.objects.filter(pk=catalog.event.pk).update(start_date=timezone.now() - timedelta(days=2), end_date=None)
    response = api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["order_detail"]["0"]["item_id"] == [SALE_CLOSED_MESSAGES["event_ended"]]
