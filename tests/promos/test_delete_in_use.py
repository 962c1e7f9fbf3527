"""Deleting a promotion whose code an order redeems is a 409 `promo_in_use`, never a 500: also when
the order commits its redemption while the delete is under way."""
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection, transaction

from promos.models import PromoCode, Promotion, Redemption
from promos.services import RedemptionRequest, promo_uses_reserve
from tests.conftest import client_for
from tests.factories.promos import PromoCodeFactory, PromotionFactory
from tests.factories.stores import EventFactory, StoreFactory, TicketFactory

WAIT = 5
CUSTOMER = {"name": "Jane Doe", "email": "jane@doe.com", "phone_number": "+254720111222"}


def promo_codes_path(promotion):
    return f"/stores/promo_codes/{promotion.id}/"


def group_path(promotion):
    return f"/stores/store/{promotion.store_id}/promocode-groups/{promotion.id}/"


def created_through_api(owner_api, store, kind) -> Promotion:
    if kind == "promo_code":
        response = owner_api.post("/stores/promo_codes/", {"store": str(store.id), "promo_name": "Launch",
                                                           "promo_value": "10", "is_percentage": True,
                                                           "code": "HOLD10"}, format="json")
    else:
        response = owner_api.post(f"/stores/store/{store.id}/promocode-groups/",
                                  {"codes": ["HOLD10"], "discount_type": "PERCENT", "percent_discount": 10},
                                  format="json")
    assert response.status_code == 201, response.content
    return Promotion.objects.get(pk=response.json()["id"])


@pytest.mark.django_db
@pytest.mark.parametrize("kind, path", [("promo_code", promo_codes_path), ("group", group_path)])
def test_delete_answers_409_promo_in_use_when_a_pending_order_holds_the_code(api, owner, store, kind, path):
    owner_api = client_for(owner)
    promotion = created_through_api(owner_api, store, kind)
    ticket = TicketFactory(event=EventFactory(store=store, is_published=True), is_published=True)
    order = api.post("/stores/orders/", {
        "currency": "KES", "payment_method": "MOBILE", "response_type": "json", "customer": CUSTOMER,
        "order_detail": [{"item_id": str(ticket.id), "type_name": "store.ticket", "item_quantity": 2,
                          "promotional_code": "hold10"}]}, format="json")
    assert order.status_code == 201, order.content
    assert order.json()["order_status"] == "PENDING" and order.json()["is_promo_order"] is True

    response = owner_api.delete(path(promotion))
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "promo_in_use"
    assert PromoCode.objects.filter(promotion=promotion, code="HOLD10", uses=2).exists()


def _backends_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def _delete_while_a_redemption_commits(*, owner, code, path):
    """An order's redemption of `code` is written but not committed (its code row held, as placement
    holds it); the owner deletes the promotion meanwhile; the order commits once the delete waits."""
    written, commit = threading.Event(), threading.Event()
    outcome = {}

    def order_in_flight():
        try:
            with transaction.atomic():
                promo_uses_reserve(order_id=uuid.uuid4(), redemptions=[RedemptionRequest(
                    promo_code_id=code.id, order_line_id=uuid.uuid4(), units=1, email="jane@doe.com",
                    phone="+254720111222", discount_amount=Decimal("100.00"))])
                written.set()
                commit.wait(timeout=WAIT)
        finally:
            close_old_connections()
            connection.close()

    def delete():
        try:
            outcome["response"] = client_for(owner).delete(path)
        except Exception as exc:  # noqa: BLE001 (an unhandled error is what this test guards against)
            outcome["error"] = exc
        finally:
            close_old_connections()
            connection.close()

    placing = threading.Thread(target=order_in_flight)
    placing.start()
    assert written.wait(timeout=WAIT)
    deleting = threading.Thread(target=delete)
    deleting.start()
    deadline = time.monotonic() + WAIT
    while _backends_waiting_for_a_lock() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    commit.set()
    placing.join(timeout=WAIT)
    deleting.join(timeout=WAIT)
    assert "error" not in outcome, repr(outcome.get("error"))
    return outcome["response"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind, path", [("SINGLE", promo_codes_path), ("GROUP", group_path)])
def test_delete_answers_409_promo_in_use_when_a_redemption_commits_while_it_runs(kind, path):
    store = StoreFactory()
    code = PromoCodeFactory(promotion=PromotionFactory(store=store, kind=kind))
    response = _delete_while_a_redemption_commits(owner=store.owner, code=code, path=path(code.promotion))
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "promo_in_use"
    assert PromoCode.objects.filter(pk=code.pk, uses=1).exists()
    assert Redemption.objects.filter(promo_code=code).count() == 1
