"""A refund puts the order's seats back on sale unless their event has started, and gives its promo
uses back."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from payments.services import payment_apply
from stores.models import Event
from tests.conftest import client_for
from tests.orders.conftest import order_body, ticket_create
from tests.orders.test_place_promos import promo_code_create

pytestmark = pytest.mark.django_db


def _paid(api, *lines, **fields) -> Order:
    response = api.post("/stores/orders/", order_body(*lines, **fields), format="json")
    assert response.status_code == 201, response.json()
    order = Order.objects.get(pk=response.json()["id"])
    payment_apply(order_id=order.pk, amount=order.order_balance, currency="KES", provider="mpesa",
                  reference=f"PAY-{order.order_number}")
    return order


def _available(api, ticket) -> int:
    return api.get(f"/stores/tickets/{ticket.pk}/").json()["tickets_available"]


def _refund(catalog, order):
    response = client_for(catalog.owner).post(f"/stores/orders/{order.pk}/refund/")
    assert response.status_code == 200, response.json()
    assert response.json()["order_status"] == "REFUNDED"


def test_refund_puts_seats_and_promo_uses_back_when_event_is_in_the_future(api, catalog):
    code = promo_code_create(catalog.store, "FANS", fixed=Decimal("500.00"), max_uses=10)
    before = _available(api, catalog.vvip)
    order = _paid(api, {"item_id": str(catalog.vvip.pk), "type_name": "store.ticket", "item_quantity": 3,
                        "promotional_code": "FANS"})
    code.refresh_from_db()
    assert (_available(api, catalog.vvip), code.uses) == (before - 3, 3)

    _refund(catalog, order)

    code.refresh_from_db()
    assert _available(api, catalog.vvip) == before
    assert code.uses == 0


def test_refund_keeps_seats_sold_when_event_has_started(api, catalog):
    started = Event.objects.create(
        store=catalog.store, event_category=catalog.category, event_name="Matinee", event_venue="Nairobi",
        event_description="an afternoon show", start_date=timezone.now() + timedelta(days=1), is_published=True)
    matinee = ticket_create(started, "Matinee", "800.00", quantity=40)
    order = _paid(api, (catalog.vvip, 2), (matinee, 4))
    Event.objects.filter(pk=started.pk).update(start_date=timezone.now() - timedelta(minutes=30))

    _refund(catalog, order)

    matinee.refresh_from_db()
    assert (matinee.sold, _available(api, matinee)) == (4, 36)
    catalog.vvip.refresh_from_db()
    assert (catalog.vvip.sold, _available(api, catalog.vvip)) == (0, 50)
