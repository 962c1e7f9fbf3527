"""Seed 001's order, promo codes included, and promo rules applied through the order engine."""
from decimal import Decimal

import pytest

from orders.models import Order
from promos.models import PromoCode, Promotion, Redemption
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


def promo_code_create(store, code, *, fixed=None, percent=None, max_uses=None, **rules) -> PromoCode:
    promotion = Promotion.objects.create(
        store=store, discount_type="FIXED" if fixed is not None else "PERCENT", max_uses=max_uses,
        fixed_discount=fixed, percent_discount=percent, **rules)
    return PromoCode.objects.create(promotion=promotion, store=store, code=code, max_uses=max_uses)


@pytest.fixture
def seed_codes(catalog):
    promo_code_create(catalog.store, "GH02", fixed=Decimal("750.00"))
    promo_code_create(catalog.store, "ALB02", fixed=Decimal("200.00"), max_uses=10)


def seed_001_body(catalog) -> dict:
    """Seed 001's request body, with its JSON syntax errors corrected and our item ids."""
    return {
        "currency": "KES", "payment_method": "MOBILE", "exact_payment_method": None, "agent": None,
        "is_pay_later": False, "payment_installments": 3, "response_type": "json",
        "customer": {"name": "Jane Doe", "email": "jane@doe.com", "phone_number": "+254720111222"},
        "payer": {"name": "Jane Doe", "email": "jane@doe.com", "phone_number": "+254720111222"},
        "order_detail": [
            {"item_id": str(catalog.vvip.pk), "type_name": "store.ticket", "item_quantity": 2,
             "ticket_names": ["Alice", "Bob", "Martin"], "promotional_code": "GH02",
             "data_entries": {"Age": "27", "Preferred T-shirt Color": "Blue", "Require Packing?": "Yes"}},
            {"item_id": str(catalog.album.pk), "type_name": "digital_content.album", "item_quantity": 1,
             "promotional_code": "ALB02"},
        ],
    }


def test_seed_001_order_reproduces_its_arithmetic(api, catalog, seed_codes):
    response = api.post("/stores/orders/", seed_001_body(catalog), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    ticket_line, album_line = body["order_detail"]
    assert (ticket_line["selling_price"], ticket_line["promo_amount"]) == ("7500.00", "1500.00")
    assert (album_line["selling_price"], album_line["promo_amount"]) == ("800.00", "200.00")
    assert body["order_amount"] == "8300.00" and body["order_balance"] == "8300.00"
    assert Decimal(body["installments_amount"]) == 2766
    assert body["payment_installments"] == 3 and body["is_promo_order"] is True
    assert album_line["name"] == "Currency track" and album_line["media_type_name"] == "ALBUM"
    assert album_line["category_name"] == "HipHop" and album_line["authors"] == ["mtiaji"]
    assert ticket_line["event_name"] == "Mseto Music Show" and ticket_line["ticket_name"] == "VVIP"
    assert Redemption.objects.filter(status="RESERVED").count() == 2
    assert PromoCode.objects.get(code="GH02").uses == 2


def test_promo_code_matches_case_insensitively(api, catalog, seed_codes):
    line = {"item_id": str(catalog.vvip.pk), "type_name": "store.ticket", "item_quantity": 1,
            "promotional_code": "gh02"}
    assert api.post("/stores/orders/", order_body(line), format="json").json()["order_amount"] == "3750.00"


def test_invalid_promo_code_refused_with_reason(api, catalog, seed_codes):
    promo_code_create(catalog.store, "OLD", fixed=Decimal("1"), is_active=False)
    for code, reason in (("NOPE", "unknown"), ("OLD", "inactive")):
        line = {"item_id": str(catalog.vvip.pk), "type_name": "store.ticket", "item_quantity": 1,
                "promotional_code": code}
        response = api.post("/stores/orders/", order_body(line), format="json")
        assert response.status_code == 400
        assert response.json()["order_detail"]["0"]["promotional_code"][0].startswith(reason)
    assert not Order.objects.exists()


def test_exhausted_promo_code_is_409(api, catalog, seed_codes):
    line = {"item_id": str(catalog.album.pk), "type_name": "digital_content.album", "item_quantity": 11,
            "promotional_code": "ALB02"}
    response = api.post("/stores/orders/", order_body(line), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "promo_exhausted"
    assert not Redemption.objects.exists()


def test_expired_order_gives_promo_uses_back(api, catalog, seed_codes):
    from datetime import timedelta

    from django.utils import timezone

    from orders.services import order_expire

    order_id = api.post("/stores/orders/", seed_001_body(catalog), format="json").json()["id"]
    Order.objects.filter(pk=order_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    order_expire(order_id=order_id)
    assert PromoCode.objects.get(code="ALB02").uses == 0
    assert set(Redemption.objects.values_list("status", flat=True)) == {"RELEASED"}
