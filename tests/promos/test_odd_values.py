"""Odd numbers and dates in promotion bodies (huge exponents, NaN, Infinity, values beyond a column's
digits, years at the ends of the calendar, offsets past ±18:00) are a 400 naming the field, never a 500."""
import pytest

from promos.models import Promotion
from tests.factories.stores import EventFactory, TicketFactory

pytestmark = pytest.mark.django_db

ODD_NUMBERS = ["1e999999", "-1e999999", "1e-999999", "NaN", "sNaN", "Infinity", "-Infinity", 1e308,
               "99999999999999999999999", 99999999999999999999999, -1, "twelve", True, [], {}]
REFUSED_DATES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2030-01-01T00:00:00-21:34",
                 "0001-01-01", "9999-12-31", "0001-01-01T00:00:00", "10000-01-01", "2030-02-30", "NaN"]
ACCEPTED_DATES = ["2030-01-01T00:00:00+17:30", "2030-01-01", "2030-01-01T10:00:00", "0002-01-01T00:00:00Z"]


def promo_code_body(store, **changes):
    return {"store": str(store.id), "promo_name": "Launch", "promo_value": "10", "is_percentage": True,
            "code": "LAUNCH", **changes}


def group_body(**changes):
    return {"codes": ["SPRING-A"], "discount_type": "FIXED", "fixed_discount": 15, **changes}


def group_url(store):
    return f"/stores/store/{store.id}/promocode-groups/"


@pytest.mark.parametrize("value", ODD_NUMBERS)
@pytest.mark.parametrize("field", ["value", "promo_value", "quantity"])
def test_promo_code_refused_naming_the_field_when_the_number_is_odd(owner_api, store, field, value):
    response = owner_api.post("/stores/promo_codes/", promo_code_body(store, **{field: value}), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Promotion.objects.exists()


@pytest.mark.parametrize("value", REFUSED_DATES)
@pytest.mark.parametrize("field", ["start_date", "end_date"])
def test_promo_code_refused_naming_the_field_when_the_date_is_out_of_range(owner_api, store, field, value):
    response = owner_api.post("/stores/promo_codes/", promo_code_body(store, **{field: value}), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Promotion.objects.exists()


@pytest.mark.parametrize("value", ACCEPTED_DATES)
@pytest.mark.parametrize("field", ["start_date", "end_date"])
def test_promo_code_stored_and_read_back_when_the_date_is_holdable(owner_api, store, field, value):
    response = owner_api.post("/stores/promo_codes/", promo_code_body(store, **{field: value}), format="json")
    assert response.status_code == 201, response.content
    assert owner_api.get(f"/stores/promo_codes/{response.json()['id']}/").status_code == 200
    assert owner_api.get("/stores/promo_codes/").status_code == 200


@pytest.mark.parametrize("value", ODD_NUMBERS)
@pytest.mark.parametrize("field, changes", [
    ("fixed_discount", {}), ("percent_discount", {"discount_type": "PERCENT"}), ("minimum_order_price", {}),
    ("max_uses", {}), ("max_uses_per_user", {"usage_type": "X_USES_PER_PERSON"}), ("generate", {}),
])
def test_group_refused_naming_the_field_when_the_number_is_odd(owner_api, store, field, changes, value):
    response = owner_api.post(group_url(store), group_body(**changes, **{field: value}), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Promotion.objects.exists()


@pytest.mark.parametrize("value", ["10000-01-01", "2030-02-30", "NaN", "1e999999", "2030-01-01T00:00:00-21:34"])
def test_group_refused_naming_expiry_date_when_it_is_not_a_date(owner_api, store, value):
    response = owner_api.post(group_url(store), group_body(expiry_date=value), format="json")
    assert response.status_code == 400, response.content
    assert "expiry_date" in response.json()


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_validate_refused_naming_item_quantity_when_the_number_is_odd(api, store, value):
    ticket = TicketFactory(event=EventFactory(store=store, is_published=True), is_published=True)
    response = api.post("/stores/promo_codes/validate/", {"code": "LAUNCH", "item_id": str(ticket.id),
                                                          "type_name": "store.ticket", "item_quantity": value},
                        format="json")
    assert response.status_code == 400, response.content
    assert "item_quantity" in response.json()
