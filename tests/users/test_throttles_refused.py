"""DRF refuses a request on authentication and permissions before it counts the view's limits; such
refusals still count against the view's per-address limit, so that a made-up token or a route the
caller may not use is no way round it (and a refused flood meets a 429 like any other)."""
import pytest
from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.factories import UserFactory
from tests.users.helpers import throttle_rates

pytestmark = pytest.mark.django_db

SCAN = [{"scan_id": "gate-1", "code": "x", "scanned_at": "2030-01-01T10:00:00Z"}]


def _throttled(response) -> bool:
    if response.status_code != 429:
        return False
    assert response.data["detail"].code == "throttled" and int(response["Retry-After"]) > 0
    return True


def test_made_up_token_counts_against_the_address_limit_until_refused_with_429(settings):
    throttle_rates(settings, api_address="3/3650d")
    forger = APIClient(REMOTE_ADDR="192.0.2.10", HTTP_AUTHORIZATION="Bearer made.up.token")
    statuses = [forger.get("/stores/orders/").status_code for _ in range(3)]
    assert statuses == [401] * 3
    assert _throttled(forger.get("/stores/orders/"))

    honest = APIClient(REMOTE_ADDR="192.0.2.11")
    honest.force_authenticate(UserFactory())
    assert honest.get("/stores/orders/").status_code == 200


def test_a_route_the_caller_may_not_use_counts_against_the_address_limit(settings):
    throttle_rates(settings, api_address="2/3650d")
    customer = client_for(UserFactory())
    customer.defaults["REMOTE_ADDR"] = "192.0.2.20"
    statuses = [customer.post("/stores/check_in/batch/", SCAN, format="json").status_code for _ in range(2)]
    assert statuses == [403, 403]
    assert _throttled(customer.post("/stores/check_in/batch/", SCAN, format="json"))


def test_an_allowed_request_is_counted_once(settings):
    throttle_rates(settings, api_address="3/3650d")
    buyer = client_for(UserFactory())
    buyer.defaults["REMOTE_ADDR"] = "192.0.2.30"
    statuses = [buyer.get("/stores/orders/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
