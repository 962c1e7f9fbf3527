"""Promo codes cannot be guessed by trying: checks are limited per client and per item, and failed
guesses are counted on their own."""
import pytest

from promos.models import Promotion
from tests.factories.promos import PromoCodeFactory, PromotionFactory
from tests.orders.conftest import catalog, order_body  # noqa: F401 (the catalog fixture)

URL = "/stores/promo_codes/validate/"


def ask(api, code, item, **headers):
    body = {"code": code, "item_id": str(item.id), "type_name": item.TYPE_NAME, "item_quantity": 1}
    return api.post(URL, body, format="json", **headers)

pytestmark = pytest.mark.django_db


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates}}


def test_failed_guesses_lock_the_client_out_when_over_the_limit(api, store, ticket, settings):
    _rates(settings, promo_validate_failures="5/hour")
    PromoCodeFactory(promotion=PromotionFactory(store=store), code="REALCODE")
    answers = [ask(api, f"GUESS{n:03d}", ticket) for n in range(5)]
    assert all(answer.status_code == 200 and answer.json()["reason"] == "unknown" for answer in answers)
    blocked = ask(api, "REALCODE", ticket)
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0


def test_made_up_forwarded_for_does_not_reset_the_limit(api, store, ticket, settings):
    _rates(settings, promo_validate="3/min")
    statuses = [ask(api, f"GUESS{n}", ticket, HTTP_X_FORWARDED_FOR=f"10.1.0.{n}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_checks_of_one_item_are_limited_across_clients(store, ticket, settings):
    from rest_framework.test import APIClient

    _rates(settings, promo_validate_item="4/hour")
    statuses = [ask(APIClient(REMOTE_ADDR=f"10.2.0.{n}"), "ANY", ticket).status_code for n in range(6)]
    assert statuses == [200] * 4 + [429] * 2


def test_per_person_refusal_does_not_say_how_many_were_used(api, catalog):
    promotion = PromotionFactory(store=catalog.store, usage_type=Promotion.UsageType.X_USES_PER_PERSON,
                                 max_uses_per_user=1)
    PromoCodeFactory(promotion=promotion, code="ONCE")
    line = {"item_id": str(catalog.regular.pk), "type_name": "store.ticket", "item_quantity": 1,
            "promotional_code": "ONCE"}
    assert api.post("/stores/orders/", order_body(line), format="json").status_code == 201
    response = api.post("/stores/orders/", order_body(line), format="json")
    assert response.status_code == 409 and response.json()["code"] == "promo_per_person_limit"
    assert "used" not in response.json()
