"""Bad input never reaches a 500, and a busy database answers 503 with Retry-After."""
import pytest

from tests.orders.conftest import catalog  # noqa: F401  (fixture)
from django.db import OperationalError

from tests.conftest import client_for
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


def test_json_nested_too_deep_is_a_400(api):
    body = "[" * 100_000 + "]" * 100_000
    response = api.post("/users/token/", body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("error", ["deadlock detected", "canceling statement due to lock timeout"])
def test_busy_database_is_a_503_with_retry_after(catalog, monkeypatch, error):
    def busy(**kwargs):
        raise OperationalError(error)

    monkeypatch.setattr("orders.api.views.services.order_cancel", busy)
    order_id = client_for(catalog.owner).post("/stores/orders/", order_body((catalog.vvip, 1)), format="json").json()["id"]
    response = client_for(catalog.owner).post(f"/stores/orders/{order_id}/cancel/")
    assert response.status_code == 503
    assert response["Retry-After"] == "1" and response.json()["code"] == "busy"


def test_order_too_large_for_the_books_is_a_400(api, catalog):
    from stores.models import Ticket

    Ticket.objects.filter(pk=catalog.regular.pk).update(prices={"KES": "99999999.99"})
    response = api.post("/stores/orders/", order_body((catalog.regular, 200)), format="json")
    assert response.status_code == 400 and "order_detail" in response.json()
