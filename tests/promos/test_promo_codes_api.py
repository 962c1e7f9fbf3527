"""/stores/promo_codes/: the Mookh shape (seed 000) over the promotions engine."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from promos.models import PromoCode, Promotion
from promos.services import CODE_ALPHABET
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.stores import EventFactory, StoreFactory

pytestmark = pytest.mark.django_db

URL = "/stores/promo_codes/"


def seed_body(store, **changes):
    """Seed 000's 'create a promo_code' body, with our store's id."""
    body = {
        "is_active": "true", "store": str(store.id), "event": "null", "promo_name": "stylez", "value": "3500",
        "quantity": "20", "promo_value": "900", "is_percentage": "false", "is_fixed": "false",
        "is_custom": "true", "start_date": "", "end_date": "", "code": "MY7s8s",
    }
    return {**body, **changes}


def test_create_accepts_seed_body_when_values_are_strings(owner_api, store):
    response = owner_api.post(URL, seed_body(store), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {
        "id": body["id"], "is_active": True, "store": str(store.id), "event": None, "promo_name": "stylez",
        "value": "3500.00", "quantity": 20, "promo_value": "900.00", "is_percentage": False, "is_fixed": True,
        "is_custom": True, "start_date": None, "end_date": None, "code": "MY7s8s", "times_used": 0,
        "created": body["created"],
    }
    promotion = Promotion.objects.get(pk=body["id"])
    assert (promotion.discount_type, promotion.fixed_discount, promotion.max_uses) == ("FIXED", 900, 20)
    assert PromoCode.objects.get(promotion=promotion).max_uses == 20


def test_create_answers_without_trailing_slash(owner_api, store):
    assert owner_api.post(URL.rstrip("/"), seed_body(store), format="json").status_code == 201
    assert owner_api.get(URL.rstrip("/")).status_code == 200


def test_create_percentage_with_event_and_dates_when_given(owner_api, store):
    event = EventFactory(store=store)
    response = owner_api.post(URL, seed_body(store, event=str(event.id), is_percentage="true", promo_value="15",
                                             start_date="2026-01-01", end_date="2026-01-31T18:00:00+03:00"),
                              format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["event"], body["is_percentage"], body["is_fixed"], body["promo_value"]) == (
        str(event.id), True, False, "15.00")
    assert body["start_date"] == "2026-01-01T00:00:00+03:00"  # a date: from the start of that day, store time
    assert body["end_date"] == "2026-01-31T18:00:00+03:00"


def test_date_only_end_covers_the_whole_day_when_given(owner_api, store):
    response = owner_api.post(URL, seed_body(store, end_date="2026-01-31"), format="json")
    assert response.json()["end_date"].startswith("2026-01-31T23:59:59.999999")


def test_server_generates_code_when_not_custom(owner_api, store):
    response = owner_api.post(URL, seed_body(store, is_custom="false", code=""), format="json")
    assert response.status_code == 201
    code = response.json()["code"]
    assert len(code) == 8 and set(code) <= set(CODE_ALPHABET)


@pytest.mark.parametrize("changes, field", [
    ({"is_percentage": "true", "is_fixed": "true"}, "is_percentage"),
    ({"is_percentage": "true", "promo_value": "0"}, "promo_value"),
    ({"is_percentage": "true", "promo_value": "100.01"}, "promo_value"),
    ({"promo_value": "-1"}, "promo_value"),
    ({"value": "-5"}, "value"),
    ({"quantity": "-1"}, "quantity"),
    ({"quantity": 2**31}, "quantity"),
    ({"start_date": "2026-02-01", "end_date": "2026-01-01"}, "end_date"),
    ({"start_date": "soon"}, "start_date"),
    ({"is_custom": "true", "code": ""}, "code"),
    ({"code": "no spaces allowed"}, "code"),
    ({"promo_name": ""}, "promo_name"),
])
def test_create_refused_naming_field_when_input_is_bad(owner_api, store, changes, field):
    response = owner_api.post(URL, seed_body(store, **changes), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Promotion.objects.exists() and not PromoCode.objects.exists()


def test_create_refused_when_seed_curl_body_lacks_promo_value(owner_api, store):
    body = {"store": str(store.id), "event": "null", "promo_name": "stylez", "value": "3500"}
    response = owner_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert "promo_value" in response.json()


def test_create_refused_when_code_exists_in_store_in_other_case(owner_api, store):
    assert owner_api.post(URL, seed_body(store), format="json").status_code == 201
    response = owner_api.post(URL, seed_body(store, code="my7S8S"), format="json")
    assert response.status_code == 400
    assert "code" in response.json()
    assert Promotion.objects.count() == 1


def test_same_code_allowed_when_other_store(owner_api, owner, store):
    other = StoreFactory(owner=owner)
    assert owner_api.post(URL, seed_body(store), format="json").status_code == 201
    assert owner_api.post(URL, seed_body(other), format="json").status_code == 201


def test_create_refused_when_store_or_event_not_callers(owner_api, store):
    foreign = StoreFactory()
    response = owner_api.post(URL, seed_body(foreign), format="json")
    assert response.status_code == 400 and "store" in response.json()
    response = owner_api.post(URL, seed_body(store, event=str(EventFactory(store=foreign).id)), format="json")
    assert response.status_code == 400 and "event" in response.json()
    assert not Promotion.objects.exists()


def test_owner_sees_only_own_codes_and_other_is_404_when_listing(owner_api, store):
    mine = owner_api.post(URL, seed_body(store), format="json").json()
    stranger = StoreFactory()
    theirs = client_for(stranger.owner).post(URL, seed_body(stranger), format="json").json()
    body = owner_api.get(URL).json()
    assert [row["id"] for row in body["results"]] == [mine["id"]]
    for method in ("get", "patch", "delete"):
        assert getattr(owner_api, method)(f"{URL}{theirs['id']}/", {}, format="json").status_code == 404


def test_super_admin_sees_and_manages_all_when_listing(store, super_admin):
    admin_api = client_for(super_admin)
    created = admin_api.post(URL, seed_body(store), format="json")
    assert created.status_code == 201
    assert admin_api.get(URL).json()["count"] == 1
    assert admin_api.patch(f"{URL}{created.json()['id']}/", {"is_active": False}, format="json").status_code == 200


def test_agents_customers_and_anonymous_cannot_list_or_write(api, store):
    assert api.get(URL).status_code == 401
    assert api.post(URL, seed_body(store), format="json").status_code == 401
    for roles in (["store_agent"], []):
        client = client_for(UserFactory(roles=roles))
        assert client.get(URL).status_code == 403
        assert client.post(URL, seed_body(store), format="json").status_code == 403
    assert not Promotion.objects.exists()


def test_patch_changes_rules_and_code_when_owner(owner_api, store):
    created = owner_api.post(URL, seed_body(store), format="json").json()
    response = owner_api.patch(f"{URL}{created['id']}", {"is_percentage": "true", "promo_value": "25",
                                                          "code": "NEWCODE", "quantity": 5}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["is_percentage"], body["promo_value"], body["code"], body["quantity"]) == (
        True, "25.00", "NEWCODE", 5)
    assert PromoCode.objects.get().max_uses == 5


def test_patch_refused_naming_quantity_when_above_what_a_limit_can_hold(owner_api, store):
    created = owner_api.post(URL, seed_body(store), format="json").json()
    response = owner_api.patch(f"{URL}{created['id']}/", {"quantity": 2**31}, format="json")
    assert response.status_code == 400 and "quantity" in response.json()
    assert PromoCode.objects.get().max_uses == created["quantity"]


def test_put_replaces_rules_when_full_body(owner_api, store):
    created = owner_api.post(URL, seed_body(store), format="json").json()
    response = owner_api.put(f"{URL}{created['id']}/", seed_body(store, promo_name="renamed", value="0",
                                                                 quantity="", is_percentage="true",
                                                                 promo_value="50"), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["promo_name"], body["value"], body["quantity"], body["promo_value"], body["is_percentage"]) == (
        "renamed", "0.00", None, "50.00", True)


def test_patch_refused_when_switch_to_percent_makes_value_out_of_range(owner_api, store):
    created = owner_api.post(URL, seed_body(store), format="json").json()
    response = owner_api.patch(f"{URL}{created['id']}/", {"is_percentage": True}, format="json")
    assert response.status_code == 400 and "promo_value" in response.json()
    assert Promotion.objects.get().discount_type == "FIXED"


def test_delete_removes_code_when_never_used(owner_api, store):
    created = owner_api.post(URL, seed_body(store), format="json").json()
    assert owner_api.delete(f"{URL}{created['id']}/").status_code == 204
    assert not PromoCode.objects.exists()


def test_list_filters_and_searches_when_asked(owner_api, store):
    owner_api.post(URL, seed_body(store, code="ALPHA1"), format="json")
    owner_api.post(URL, seed_body(store, code="BETA22", is_active="false"), format="json")
    assert [r["code"] for r in owner_api.get(f"{URL}?search=alpha").json()["results"]] == ["ALPHA1"]
    assert [r["code"] for r in owner_api.get(f"{URL}?is_active=false").json()["results"]] == ["BETA22"]


def test_list_query_count_constant_when_page_grows(owner_api, store):
    for n in range(6):
        owner_api.post(URL, seed_body(store, code=f"CODE{n}"), format="json")

    def queries(page_size):
        with CaptureQueriesContext(connection) as context:
            response = owner_api.get(f"{URL}?page_size={page_size}")
        assert len(response.json()["results"]) == page_size
        return len(context)

    assert queries(1) == queries(6)
