"""What happens to an order's promo uses when it closes: a cancelled order and a refunded one
give them back."""
from decimal import Decimal

import pytest

from payments.services import payment_apply
from promos.models import Redemption
from tests.conftest import client_for
from tests.factories.promos import PromoCodeFactory, PromotionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def promo_code(store):
    return PromoCodeFactory(promotion=PromotionFactory(store=store, max_uses=10), code="SAVE10")


@pytest.fixture
def order_id(api, ticket, promo_code):
    body = {
        "currency": "KES", "payment_method": "MOBILE", "response_type": "json",
        "customer": {"name": "Jane Doe", "email": "jane@doe.com", "phone_number": "+254720111222"},
        "order_detail": [{"item_id": str(ticket.id), "type_name": ticket.TYPE_NAME, "item_quantity": 2,
                          "promotional_code": "SAVE10"}],
    }
    response = api.post("/stores/orders/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def uses_and_statuses(promo_code):
    promo_code.refresh_from_db()
    return promo_code.uses, set(Redemption.objects.filter(promo_code=promo_code).values_list("status", flat=True))


def test_promo_uses_released_when_a_paid_order_is_refunded(owner, promo_code, order_id):
    payment_apply(order_id=order_id, amount=Decimal("1800.00"), currency="KES", provider="mpesa", reference="R1")
    assert uses_and_statuses(promo_code) == (2, {"CONFIRMED"})
    response = client_for(owner).post(f"/stores/orders/{order_id}/refund/")
    assert response.status_code == 200, response.content
    assert uses_and_statuses(promo_code) == (0, {"RELEASED"})


def test_promo_uses_released_when_an_unpaid_order_is_cancelled(owner, promo_code, order_id):
    assert uses_and_statuses(promo_code) == (2, {"RESERVED"})
    response = client_for(owner).post(f"/stores/orders/{order_id}/cancel/")
    assert response.status_code == 200, response.content
    assert uses_and_statuses(promo_code) == (0, {"RELEASED"})
