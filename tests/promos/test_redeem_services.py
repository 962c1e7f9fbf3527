"""The order engine's interface: find, rules, customer uses, reserve, confirm, release."""
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum

from mookh.core.errors import InvalidInput
from promos.errors import PromoExhausted, PromoPerPersonLimit
from promos.models import PromoCode, Promotion, Redemption
from promos.pricing import PromoRules
from promos.selectors import promo_code_find, promo_customer_uses, promo_rules_for
from promos.services import RedemptionRequest, promo_uses_confirm, promo_uses_release, promo_uses_reserve
from tests.conftest import client_for
from tests.factories.stores import StoreFactory
from tests.factories.promos import PromoCodeFactory

pytestmark = pytest.mark.django_db

ANN = {"email": "ann@example.com", "phone": "+254720000001"}


def request_for(code, units=1, email=ANN["email"], phone=ANN["phone"]):
    return RedemptionRequest(promo_code_id=code.id, order_line_id=uuid.uuid4(), units=units, email=email,
                             phone=phone, discount_amount=Decimal("100.00") * units)


def reserve(code, units=1, order_id=None, **who):
    order_id = order_id or uuid.uuid4()
    promo_uses_reserve(order_id=order_id, redemptions=[request_for(code, units, **who)])
    return order_id


def live_units(code) -> int:
    return Redemption.objects.filter(promo_code=code, status__in=Redemption.LIVE).aggregate(
        total=Sum("units"))["total"] or 0


def assert_counter_matches(code):
    code.refresh_from_db()
    assert code.uses == live_units(code)


@pytest.fixture
def code(db):
    return PromoCodeFactory(code="Spring10", promotion__max_uses=5)


def test_find_is_case_insensitive_and_per_store_when_looking_up(code):
    found = promo_code_find(store_id=code.store_id, code=" spring10 ")
    assert found == code
    assert promo_code_find(store_id=StoreFactory().id, code="SPRING10") is None
    assert promo_code_find(store_id=code.store_id, code="") is None


def test_rules_loaded_without_more_queries_when_found(code, django_assert_num_queries):
    with django_assert_num_queries(1):
        rules = promo_rules_for(promo_code_find(store_id=code.store_id, code="SPRING10"))
    assert isinstance(rules, PromoRules)
    assert (rules.code, rules.max_uses, rules.currency, rules.time_zone) == ("Spring10", 5, "KES", "Africa/Nairobi")


def test_reserve_writes_one_redemption_per_request_and_counts_units(code):
    order_id = uuid.uuid4()
    created = promo_uses_reserve(order_id=order_id, redemptions=[request_for(code, 2), request_for(code, 1)])
    assert [(r.units, r.status, r.order_id) for r in created] == [(2, "RESERVED", order_id), (1, "RESERVED", order_id)]
    assert_counter_matches(code)
    assert code.uses == 3


def test_reserve_refused_and_nothing_kept_when_units_exceed_max_uses(code):
    reserve(code, 4)
    with pytest.raises(PromoExhausted) as error:
        reserve(code, 2)
    assert (error.value.code, error.value.status) == ("promo_exhausted", 409)
    assert Redemption.objects.count() == 1
    assert_counter_matches(code)


def test_whole_order_refused_when_one_of_its_lines_exhausts_the_code(code):
    other = PromoCodeFactory(promotion__store=code.store, code="OTHER")
    with pytest.raises(PromoExhausted):
        promo_uses_reserve(order_id=uuid.uuid4(), redemptions=[request_for(other, 1), request_for(code, 6)])
    assert not Redemption.objects.exists()
    other.refresh_from_db()
    assert other.uses == 0


def test_unlimited_code_takes_any_units_when_max_uses_empty(db):
    code = PromoCodeFactory(promotion__max_uses=None)
    reserve(code, 1000)
    assert_counter_matches(code)


def test_per_person_limit_matches_by_email_or_phone_when_per_person(db):
    code = PromoCodeFactory(promotion__usage_type=Promotion.UsageType.X_USES_PER_PERSON,
                            promotion__max_uses_per_user=2)
    reserve(code, 1, **ANN)
    reserve(code, 1, email="ANN@Example.com ", phone="+254720000001")  # the same person, written otherwise
    for other in ({"email": "someone@example.com", "phone": "+254720000001"},   # same phone
                  {"email": "ann@example.com", "phone": "+254720000009"}):      # same email
        with pytest.raises(PromoPerPersonLimit) as error:
            reserve(code, 1, **other)
        assert error.value.code == "promo_per_person_limit"
        assert "used" not in error.value.details  # anyone may name someone else's email or phone
    reserve(code, 2, email="bob@example.com", phone="+254720000003")
    assert promo_customer_uses(promo_code=code, email="ann@example.com", phone="") == 2
    assert promo_customer_uses(promo_code=code, email="", phone="+254720000001") == 2
    assert promo_customer_uses(promo_code=code, email="bob@example.com", phone="+254720000001") == 4
    assert promo_customer_uses(promo_code=code, email="nobody@example.com", phone="") == 0


def test_per_person_limit_ignored_when_usage_type_is_total(db):
    code = PromoCodeFactory(promotion__usage_type=Promotion.UsageType.X_USES_TOTAL, promotion__max_uses_per_user=1)
    reserve(code, 1)
    reserve(code, 1)
    assert_counter_matches(code)


def test_reserve_refused_when_per_person_code_has_no_customer(db):
    code = PromoCodeFactory(promotion__usage_type=Promotion.UsageType.X_USES_PER_PERSON,
                            promotion__max_uses_per_user=1)
    with pytest.raises(InvalidInput):
        reserve(code, 1, email="", phone="")


def test_release_gives_uses_back_and_is_idempotent_when_order_expires(code):
    order_id = reserve(code, 3)
    reserve(code, 1)
    promo_uses_release(order_id=order_id)
    promo_uses_release(order_id=order_id)
    assert_counter_matches(code)
    assert code.uses == 1
    assert set(Redemption.objects.filter(order_id=order_id).values_list("status", flat=True)) == {"RELEASED"}
    reserve(code, 4)  # the released units can be used again
    assert_counter_matches(code)


def test_confirm_keeps_uses_and_is_idempotent_when_order_paid(code):
    order_id = reserve(code, 2)
    promo_uses_confirm(order_id=order_id)
    promo_uses_confirm(order_id=order_id)
    assert Redemption.objects.get(order_id=order_id).status == "CONFIRMED"
    assert_counter_matches(code)
    assert code.uses == 2


def test_release_after_confirm_gives_uses_back_when_paid_order_cancelled(code):
    order_id = reserve(code, 2)
    promo_uses_confirm(order_id=order_id)
    promo_uses_release(order_id=order_id)
    promo_uses_confirm(order_id=order_id)
    assert Redemption.objects.get(order_id=order_id).status == "RELEASED"
    assert_counter_matches(code)


def test_counter_equals_live_units_after_any_sequence(code):
    orders = [reserve(code, 1) for _ in range(4)]
    promo_uses_confirm(order_id=orders[0])
    promo_uses_release(order_id=orders[1])
    promo_uses_release(order_id=orders[0])
    orders.append(reserve(code, 2))
    promo_uses_release(order_id=uuid.uuid4())
    assert_counter_matches(code)
    assert code.uses == 4


def test_database_refuses_uses_above_max_when_written_directly(code):
    with pytest.raises(IntegrityError), transaction.atomic():
        PromoCode.objects.filter(pk=code.pk).update(uses=6)


def test_times_used_in_api_counts_pending_and_paid_orders(code):
    paid, _pending, expired = reserve(code, 1), reserve(code, 2), reserve(code, 1)
    promo_uses_confirm(order_id=paid)
    promo_uses_release(order_id=expired)
    api = client_for(code.store.owner)
    body = api.get(f"/stores/promo_codes/{code.promotion_id}/").json()
    assert body["times_used"] == 3
    assert api.patch(f"/stores/promo_codes/{code.promotion_id}/", {"times_used": 0}, format="json").json()[
        "times_used"] == 3
    response = api.patch(f"/stores/promo_codes/{code.promotion_id}/", {"times_used": 0, "quantity": 2},
                         format="json")
    assert response.status_code == 400 and "quantity" in response.json()  # below the 3 uses made
    assert api.get(f"/stores/promo_codes/{code.promotion_id}/").json()["times_used"] == 3


def test_delete_refused_when_code_was_redeemed(code):
    reserve(code, 1)
    response = client_for(code.store.owner).delete(f"/stores/promo_codes/{code.promotion_id}/")
    assert response.status_code == 409 and response.json()["code"] == "promo_in_use"
