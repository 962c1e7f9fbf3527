import pytest

from orders.models import Order
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


def test_same_key_and_body_returns_first_answer_and_creates_nothing(api, catalog):
    body = order_body((catalog.vvip, 2))
    first = api.post("/stores/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/stores/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Order.objects.count() == 1
    catalog.vvip.refresh_from_db()
    assert catalog.vvip.reserved == 2


def test_same_key_with_other_body_is_409(api, catalog):
    api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = api.post("/stores/orders/", order_body((catalog.vvip, 3)), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_key_older_than_a_day_starts_afresh(api, catalog):
    from datetime import timedelta

    from django.utils import timezone

    from orders.models import IdempotencyKey

    body = order_body((catalog.vvip, 1))
    api.post("/stores/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    IdempotencyKey.objects.update(created=timezone.now() - timedelta(hours=25))
    response = api.post("/stores/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert response.status_code == 201
    assert Order.objects.count() == 2


def test_without_key_each_request_is_a_new_order(api, catalog):
    body = order_body((catalog.vvip, 1))
    api.post("/stores/orders/", body, format="json")
    api.post("/stores/orders/", body, format="json")
    assert Order.objects.count() == 2
