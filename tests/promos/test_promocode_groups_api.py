"""/stores/store/{store_id}/promocode-groups/: the Bakeronline shape (seed 002) over the same engine."""
import time
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from promos.api.views import PromoGroupViewSet
from promos.models import PromoCode, Promotion
from promos.services import CODE_ALPHABET, GENERATE_MAX, RedemptionRequest, promo_uses_reserve
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.stores import (AlbumFactory, CategoryFactory, EventCategoryFactory, EventFactory,
                                    StoreAgentFactory, StoreFactory, TicketFactory)

pytestmark = pytest.mark.django_db


def url(store, group_id=None):
    return f"/stores/store/{store.id}/promocode-groups/" + (f"{group_id}/" if group_id else "")


@pytest.fixture
def catalog(store):
    """Three products, three categories and three ticket types of the store, like the seed's ids."""
    events = EventFactory.create_batch(2, store=store)
    album = AlbumFactory(store=store)
    tickets = [TicketFactory(event=events[0]), TicketFactory(event=events[1])]
    return {
        "products": [str(events[0].id), str(album.id), str(events[1].id)],
        "categories": [str(events[0].event_category_id), str(album.category_id), str(EventCategoryFactory().id)],
        "product_prices": [str(tickets[0].id), str(tickets[0].id), str(tickets[1].id)],
    }


def seed_body(catalog, **changes):
    """Seed 002's example request, with real codes and our catalog's ids in place of its numbers."""
    body = {
        "codes": ["SPRING-A", "SPRING-B", "SPRING-C"], "discount_type": "PERCENT", "usage_type": "X_USES_TOTAL",
        "fixed_discount": 15, "percent_discount": 13, "minimum_order_price": 13, "expiry_date": "2019-01-31",
        "max_uses": 13, "max_uses_per_user": 19,
        "applicable_on": {"all": False, **catalog},
    }
    return {**body, **changes}


def test_create_accepts_seed_example_and_answers_every_field(owner_api, store, catalog):
    response = owner_api.post(url(store), seed_body(catalog), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {
        "codes": ["SPRING-A", "SPRING-B", "SPRING-C"], "discount_type": "PERCENT", "usage_type": "X_USES_TOTAL",
        "fixed_discount": None, "percent_discount": "13.00", "minimum_order_price": "13.00",
        "expiry_date": "2019-01-31", "max_uses": 13, "max_uses_per_user": 19,
        "applicable_on": {"all": False, **catalog},
        "id": body["id"], "shop_id": str(store.id), "times_used": 0, "is_active": True, "created": body["created"],
    }
    assert PromoCode.objects.filter(promotion_id=body["id"], max_uses=13).count() == 3


def test_route_is_ours_and_not_the_catalog_store_detail():
    match = resolve(f"/stores/store/{uuid.uuid4()}/promocode-groups/")
    assert match.func.cls is PromoGroupViewSet
    assert resolve(f"/stores/store/{uuid.uuid4()}/promocode-groups/{uuid.uuid4()}").func.cls is PromoGroupViewSet


def test_list_and_retrieve_when_owner(owner_api, store, catalog):
    created = owner_api.post(url(store), seed_body(catalog), format="json").json()
    listing = owner_api.get(url(store).rstrip("/")).json()
    assert [row["id"] for row in listing["results"]] == [created["id"]]
    assert owner_api.get(url(store, created["id"])).json() == created


def test_generate_creates_unique_unambiguous_codes_quickly_when_asked_for_many(owner_api, store):
    started = time.monotonic()
    response = owner_api.post(url(store), {"generate": GENERATE_MAX, "discount_type": "FIXED",
                                           "fixed_discount": "100"}, format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 201
    codes = response.json()["codes"]
    assert len(codes) == GENERATE_MAX == len({c.upper() for c in codes})
    assert set("".join(codes)) <= set(CODE_ALPHABET) and not set("0O1IL") & set("".join(codes))
    assert PromoCode.objects.filter(store=store).count() == GENERATE_MAX
    assert elapsed < 10


def test_generate_adds_to_given_codes_when_both_sent(owner_api, store):
    response = owner_api.post(url(store), {"codes": ["MINE1"], "generate": 4, "discount_type": "PERCENT",
                                           "percent_discount": 5}, format="json")
    assert response.status_code == 201
    assert len(response.json()["codes"]) == 5 and "MINE1" in response.json()["codes"]


@pytest.mark.parametrize("changes, field", [
    ({"generate": GENERATE_MAX + 1, "codes": []}, "generate"),
    ({"generate": -1, "codes": []}, "generate"),
    ({"codes": [], "generate": None}, "codes"),
    ({"codes": ["SAME", "same"]}, "codes"),
    ({"codes": ["has space"]}, "codes"),
    ({"percent_discount": 0}, "percent_discount"),
    ({"percent_discount": 101}, "percent_discount"),
    ({"discount_type": "FIXED", "fixed_discount": -1}, "fixed_discount"),
    ({"minimum_order_price": -1}, "minimum_order_price"),
    ({"discount_type": "FIXED", "fixed_discount": None}, "fixed_discount"),
    ({"discount_type": "HALF"}, "discount_type"),
    ({"usage_type": "X_USES_PER_PERSON", "max_uses_per_user": None}, "max_uses_per_user"),
    ({"max_uses": 0}, "max_uses"),
    ({"max_uses": 2**31}, "max_uses"),
    ({"usage_type": "X_USES_PER_PERSON", "max_uses_per_user": 2**31}, "max_uses_per_user"),
    ({"expiry_date": "31/01/2019"}, "expiry_date"),
    ({"applicable_on": {"all": False}}, "applicable_on"),
    ({"applicable_on": {"all": False, "products": [str(uuid.uuid4())]}}, "applicable_on"),
    ({"applicable_on": {"all": False, "categories": [str(uuid.uuid4())]}}, "applicable_on"),
    ({"applicable_on": {"all": False, "product_prices": ["14"]}}, "applicable_on"),
])
def test_create_refused_naming_field_when_input_is_bad(owner_api, store, catalog, changes, field):
    body = {key: value for key, value in seed_body(catalog, **changes).items() if value is not None}
    response = owner_api.post(url(store), body, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Promotion.objects.exists() and not PromoCode.objects.exists()


def test_create_refused_when_applicable_ids_belong_to_another_store(owner_api, store):
    foreign = StoreFactory()
    for key, value in (("products", EventFactory(store=foreign).id), ("products", AlbumFactory(store=foreign).id),
                       ("product_prices", TicketFactory(event__store=foreign).id)):
        response = owner_api.post(url(store), {"codes": ["X-1"], "discount_type": "PERCENT", "percent_discount": 5,
                                               "applicable_on": {key: [str(value)]}}, format="json")
        assert response.status_code == 400 and "applicable_on" in response.json()
    assert not Promotion.objects.exists()


def test_content_category_accepted_when_global(owner_api, store):
    response = owner_api.post(url(store), {"codes": ["X-1"], "discount_type": "PERCENT", "percent_discount": 5,
                                           "applicable_on": {"categories": [str(CategoryFactory().id)]}},
                              format="json")
    assert response.status_code == 201
    assert response.json()["applicable_on"]["all"] is False


def test_create_refused_when_code_exists_in_store_whatever_its_shape(owner_api, store):
    assert owner_api.post("/stores/promo_codes/", {"store": str(store.id), "promo_name": "x", "promo_value": "5",
                                                   "code": "taken"}, format="json").status_code == 201
    response = owner_api.post(url(store), {"codes": ["FREE1", "TAKEN"], "discount_type": "PERCENT",
                                           "percent_discount": 5}, format="json")
    assert response.status_code == 400 and "TAKEN" in response.json()["codes"][0]
    assert Promotion.objects.count() == 1 and not PromoCode.objects.filter(code="FREE1").exists()


def test_other_owners_store_is_404_when_listing_or_writing(owner_api, catalog):
    foreign = StoreFactory()
    group = client_for(foreign.owner).post(url(foreign), {"codes": ["THEIRS"], "discount_type": "PERCENT",
                                                          "percent_discount": 5}, format="json").json()
    assert owner_api.get(url(foreign)).status_code == 404
    assert owner_api.post(url(foreign), seed_body({}), format="json").status_code == 404
    assert owner_api.get(url(foreign, group["id"])).status_code == 404
    assert owner_api.delete(url(foreign, group["id"])).status_code == 404
    assert Promotion.objects.count() == 1


def test_agents_customers_and_anonymous_cannot_list_or_write(api, store, catalog):
    assert api.get(url(store)).status_code == 401
    for roles in (["store_agent"], []):
        client = client_for(UserFactory(roles=roles))
        assert client.get(url(store)).status_code == 404  # the store's promotions are not theirs to see
        assert client.post(url(store), seed_body(catalog), format="json").status_code == 404
    assert not Promotion.objects.exists()


def test_store_agent_gets_404_when_reading_or_writing_its_stores_group(owner_api, store, catalog):
    group = owner_api.post(url(store), {"codes": ["OURS"], "discount_type": "PERCENT", "percent_discount": 5},
                           format="json").json()
    agent = client_for(StoreAgentFactory(store=store).user)
    assert agent.get(url(store, group["id"])).status_code == 404
    assert agent.patch(url(store, group["id"]), {"percent_discount": 90}, format="json").status_code == 404
    assert agent.delete(url(store, group["id"])).status_code == 404
    assert Promotion.objects.get(pk=group["id"]).percent_discount == 5


def test_super_admin_manages_any_store_when_listing_and_creating(super_admin, store, catalog):
    client = client_for(super_admin)
    assert client.post(url(store), seed_body(catalog), format="json").status_code == 201
    assert client.get(url(store)).json()["count"] == 1


def test_patch_changes_rules_and_adds_codes_when_owner(owner_api, store, catalog):
    created = owner_api.post(url(store), seed_body(catalog), format="json").json()
    response = owner_api.patch(url(store, created["id"]), {"discount_type": "FIXED", "fixed_discount": 15,
                                                           "max_uses": 50, "codes": ["SPRING-D"], "generate": 2},
                               format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["discount_type"], body["fixed_discount"], body["percent_discount"], body["max_uses"]) == (
        "FIXED", "15.00", None, 50)
    assert len(body["codes"]) == 6 and "SPRING-D" in body["codes"]
    assert set(PromoCode.objects.filter(promotion_id=created["id"]).values_list("max_uses", flat=True)) == {50}


@pytest.mark.parametrize("field", ["max_uses", "max_uses_per_user"])
def test_patch_refused_naming_field_when_limit_above_what_it_can_hold(owner_api, store, catalog, field):
    created = owner_api.post(url(store), seed_body(catalog), format="json").json()
    response = owner_api.patch(url(store, created["id"]), {field: 2**31}, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Promotion.objects.get().max_uses == created["max_uses"]


def test_list_query_count_constant_when_page_grows(owner_api, store):
    for _ in range(5):
        owner_api.post(url(store), {"generate": 3, "discount_type": "PERCENT", "percent_discount": 5},
                       format="json")

    def queries(page_size):
        with CaptureQueriesContext(connection) as context:
            response = owner_api.get(f"{url(store)}?page_size={page_size}")
        assert len(response.json()["results"]) == page_size
        return len(context)

    assert queries(1) == queries(5)


def test_times_used_sums_all_codes_when_searching_by_code(owner_api, store):
    created = owner_api.post(url(store), {"codes": ["SUMMER-1", "SUMMER-2", "WINTER-1"], "discount_type": "PERCENT",
                                          "percent_discount": 5}, format="json").json()
    for code, units in (("SUMMER-1", 2), ("SUMMER-2", 1), ("WINTER-1", 4)):
        promo_uses_reserve(order_id=uuid.uuid4(), redemptions=[RedemptionRequest(
            promo_code_id=PromoCode.objects.get(code=code).id, order_line_id=uuid.uuid4(), units=units,
            email="a@example.com", phone="", discount_amount=Decimal("1"))])
    for query in ("", "?search=summer", "?search=SUMMER-2"):
        rows = owner_api.get(url(store) + query).json()["results"]
        assert [(row["id"], row["times_used"]) for row in rows] == [(created["id"], 7)]
    assert owner_api.get(url(store, created["id"])).json()["times_used"] == 7
