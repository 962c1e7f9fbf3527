import pytest

from orders.models import Order
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


def test_same_key_and_body_returns_first_answer_and_creates_nothing(api, catalog):
    body = order_body((catalog.vvip, 2))
    first = api.post("/stores/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="order-key-0000001")
    again = api.post("/stores/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="order-key-0000001")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Order.objects.count() == 1
    catalog.vvip.refresh_from_db()
    assert catalog.vvip.reserved == 2


def test_same_key_with_other_body_is_409(api, catalog):
    api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json", HTTP_IDEMPOTENCY_KEY="order-key-0000002")
    response = api.post("/stores/orders/", order_body((catalog.vvip, 3)), format="json", HTTP_IDEMPOTENCY_KEY="order-key-0000002")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_key_older_than_a_day_starts_afresh(api, catalog):
    from datetime import timedelta

    from django.utils import timezone

    from orders.models import IdempotencyKey

    body = order_body((catalog.vvip, 1))
    api.post("/stores/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="order-key-0000003")
    IdempotencyKey.objects.update(created=timezone.now() - timedelta(hours=25))
    response = api.post("/stores/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="order-key-0000003")
    assert response.status_code == 201
    assert Order.objects.count() == 2


def test_without_key_each_request_is_a_new_order(api, catalog):
    body = order_body((catalog.vvip, 1))
    api.post("/stores/orders/", body, format="json")
    api.post("/stores/orders/", body, format="json")
    assert Order.objects.count() == 2


def test_keys_belong_to_their_caller(catalog):
    from tests.conftest import client_for
    from tests.factories import UserFactory

    body = order_body((catalog.vvip, 1))
    first = client_for(UserFactory()).post("/stores/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="shared-key-000000001")
    other = client_for(UserFactory()).post("/stores/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="shared-key-000000001")
    assert first.status_code == other.status_code == 201
    assert first.json()["id"] != other.json()["id"]


def test_overlong_key_is_refused(api, catalog):
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1)), format="json",
                        HTTP_IDEMPOTENCY_KEY="k" * 300)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not Order.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_one_order():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections
    from rest_framework.test import APIClient

    from tests.orders.conftest import Catalog

    catalog = Catalog()
    body = order_body((catalog.vvip, 2))

    def post(_):
        try:
            response = APIClient().post("/stores/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="race-key-00000001")
            return response.status_code, response.json()["id"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(post, range(8)))
    assert {status for status, _ in results} == {201}
    assert len({order_id for _, order_id in results}) == 1
    assert Order.objects.count() == 1
    catalog.vvip.refresh_from_db()
    assert catalog.vvip.reserved == 2
