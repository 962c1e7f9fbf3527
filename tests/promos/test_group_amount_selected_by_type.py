"""Bakeronline clients send `fixed_discount` and `percent_discount` together (seed 002's own example
does): only the one `discount_type` selects is read; the other is stored as null, whatever it held."""
import pytest

from promos.models import Promotion

pytestmark = pytest.mark.django_db


def url(store, group_id=None):
    return f"/stores/store/{store.id}/promocode-groups/" + (f"{group_id}/" if group_id else "")


def seed_body(**changes):
    """Seed 002's example request (its ids left out: they name the seed's own catalog)."""
    body = {
        "codes": ["SPRING-A", "SPRING-B", "SPRING-C"], "discount_type": "PERCENT", "usage_type": "X_USES_TOTAL",
        "fixed_discount": 15, "percent_discount": 13, "minimum_order_price": 13, "expiry_date": "2019-01-31",
        "max_uses": 13, "max_uses_per_user": 19,
    }
    return {**body, **changes}


@pytest.mark.parametrize("percent_discount", [0, 13, 250, -4, "abc"])
def test_fixed_group_created_with_percent_stored_as_null_when_both_amounts_sent(owner_api, store, percent_discount):
    response = owner_api.post(url(store), seed_body(discount_type="FIXED", percent_discount=percent_discount),
                              format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["discount_type"], body["fixed_discount"], body["percent_discount"]) == ("FIXED", "15.00", None)
    assert Promotion.objects.values_list("fixed_discount", "percent_discount").get() == (15, None)


@pytest.mark.parametrize("fixed_discount", [0, 15, -1, "abc"])
def test_percent_group_created_with_fixed_stored_as_null_when_both_amounts_sent(owner_api, store, fixed_discount):
    response = owner_api.post(url(store), seed_body(fixed_discount=fixed_discount), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["discount_type"], body["fixed_discount"], body["percent_discount"]) == ("PERCENT", None, "13.00")
    assert Promotion.objects.values_list("fixed_discount", "percent_discount").get() == (None, 13)


def test_fixed_group_patched_without_type_when_the_ignored_percent_is_sent(owner_api, store):
    created = owner_api.post(url(store), seed_body(discount_type="FIXED"), format="json").json()
    response = owner_api.patch(url(store, created["id"]), {"percent_discount": 0, "fixed_discount": 20},
                               format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["fixed_discount"], response.json()["percent_discount"]) == ("20.00", None)


@pytest.mark.parametrize("changes, field", [
    ({"discount_type": "FIXED", "fixed_discount": -1}, "fixed_discount"),
    ({"discount_type": "FIXED", "fixed_discount": None}, "fixed_discount"),
    ({"discount_type": "PERCENT", "percent_discount": 0}, "percent_discount"),
    ({"discount_type": "PERCENT", "percent_discount": 101}, "percent_discount"),
])
def test_group_refused_naming_the_selected_amount_when_it_is_bad(owner_api, store, changes, field):
    response = owner_api.post(url(store), seed_body(**changes), format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Promotion.objects.exists()
