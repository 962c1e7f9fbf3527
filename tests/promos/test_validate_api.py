"""POST /stores/promo_codes/validate/: anyone asks what a code would take off an item."""
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from promos.models import Promotion
from promos.services import RedemptionRequest, promo_uses_reserve
from tests.factories.stores import AlbumFactory, EventFactory, TicketFactory
from tests.factories.promos import PromoCodeFactory, PromotionFactory

pytestmark = pytest.mark.django_db

URL = "/stores/promo_codes/validate/"


def ask(api, code, item, quantity=1, customer=None, **extra):
    body = {"code": code, "item_id": str(item.id), "type_name": item.TYPE_NAME, "item_quantity": quantity, **extra}
    if customer is not None:
        body["customer"] = customer
    return api.post(URL, body, format="json")


def code_for(store, code="SAVE10", **rules):
    promotion = PromotionFactory(store=store, **rules)
    return PromoCodeFactory(promotion=promotion, code=code)


def test_valid_code_answers_discount_and_amounts_when_anonymous(api, store, ticket):
    code_for(store)
    response = ask(api, "save10", ticket, quantity=3)
    assert response.status_code == 200
    assert response.json() == {
        "valid": True, "code": "SAVE10", "discount_type": "PERCENT", "currency": "KES", "item_quantity": 3,
        "unit_price": "1000.00", "unit_discount": "100.00", "discount": "300.00", "amount_before": "3000.00",
        "amount_after": "2700.00",
    }


def test_album_priced_in_asked_currency_when_given(api, store, album):
    code_for(store, percent_discount=Decimal("25"))
    body = ask(api, "SAVE10", album, currency="USD").json()
    assert (body["unit_price"], body["discount"], body["currency"]) == ("4.00", "1.00", "USD")


@pytest.mark.parametrize("rules, reason", [
    ({"is_active": False}, "inactive"),
    ({"ends_at": timezone.now() - timedelta(minutes=1)}, "expired"),
    ({"expiry_date": timezone.localdate() - timedelta(days=2)}, "expired"),
    ({"starts_at": timezone.now() + timedelta(days=1)}, "not_started"),
    ({"minimum_amount": Decimal("5000")}, "below_minimum"),
    ({"applicable_all": False, "applicable_products": [str(uuid.uuid4())]}, "not_applicable"),
])
def test_invalid_code_answers_reason_when_a_rule_fails(api, store, ticket, rules, reason):
    code_for(store, **rules)
    response = ask(api, "SAVE10", ticket)
    assert response.status_code == 200
    body = response.json()
    assert (body["valid"], body["reason"]) == (False, reason)
    assert body["detail"]


def test_unknown_when_code_belongs_to_another_store(api, ticket):
    code_for(EventFactory().store)
    assert ask(api, "SAVE10", ticket).json()["reason"] == "unknown"


def test_not_applicable_when_code_limited_to_another_event(api, store, ticket):
    code_for(store, event=EventFactory(store=store))
    assert ask(api, "SAVE10", ticket).json()["reason"] == "not_applicable"


def test_exhausted_when_quantity_exceeds_uses_left(api, store, ticket):
    promo = code_for(store, max_uses=4)
    promo_uses_reserve(order_id=uuid.uuid4(), redemptions=[RedemptionRequest(
        promo_code_id=promo.id, order_line_id=uuid.uuid4(), units=2, email="a@example.com", phone="",
        discount_amount=Decimal("200"))])
    assert ask(api, "SAVE10", ticket, quantity=2).json()["valid"] is True
    assert ask(api, "SAVE10", ticket, quantity=3).json()["reason"] == "exhausted"


def test_per_person_limit_when_same_customer_by_phone_or_email(api, store, ticket):
    promo = code_for(store, usage_type=Promotion.UsageType.X_USES_PER_PERSON, max_uses_per_user=1)
    promo_uses_reserve(order_id=uuid.uuid4(), redemptions=[RedemptionRequest(
        promo_code_id=promo.id, order_line_id=uuid.uuid4(), units=1, email="ann@example.com",
        phone="+254720000001", discount_amount=Decimal("100"))])
    by_phone = {"email": "other@example.com", "phone_number": "+254720000001"}
    by_email = {"email": "ANN@example.com", "phone_number": "+254720000002"}
    stranger = {"email": "bob@example.com", "phone_number": "+254720000003"}
    assert ask(api, "SAVE10", ticket, customer=by_phone).json()["reason"] == "per_person_limit"
    assert ask(api, "SAVE10", ticket, customer=by_email).json()["reason"] == "per_person_limit"
    assert ask(api, "SAVE10", ticket, customer=stranger).json()["valid"] is True


@pytest.mark.parametrize("item_id, field", [(None, "item_id"), ("not-a-uuid", "item_id")])
def test_400_naming_item_id_when_item_unknown(api, store, item_id, field):
    code_for(store)
    body = {"code": "SAVE10", "item_id": item_id or str(uuid.uuid4()), "type_name": "store.ticket"}
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_400_when_album_id_sent_as_ticket(api, store, album):
    response = api.post(URL, {"code": "X", "item_id": str(album.id), "type_name": "store.ticket"}, format="json")
    assert response.status_code == 400 and "item_id" in response.json()


def test_400_naming_currency_when_item_not_priced_in_it(api, store):
    ticket = TicketFactory(event__store=store, event__is_published=True, is_published=True,
                           prices={"KES": "1000.00"})
    code_for(store)
    response = ask(api, "SAVE10", ticket, currency="UGX")
    assert response.status_code == 400 and "currency" in response.json()


def test_400_naming_phone_when_customer_phone_not_international(api, store, ticket):
    response = ask(api, "SAVE10", ticket, customer={"phone_number": "0720111222"})
    assert response.status_code == 400 and "customer" in response.json()


def test_validate_answers_without_trailing_slash(api, store):
    album = AlbumFactory(store=store, is_published=True)
    code_for(store)
    assert api.post(URL.rstrip("/"), {"code": "SAVE10", "item_id": str(album.id),
                                      "type_name": album.TYPE_NAME}, format="json").json()["valid"] is True



def item_not_on_sale(case, store, ticket, album):
    """`ticket` and `album` are on sale; each case returns an item that is not."""
    now = timezone.now()
    if case.endswith("store_inactive"):
        store.is_active = False
        store.save()
        return ticket if case.startswith("ticket") else album
    return {
        "ticket_unpublished": lambda: TicketFactory(event=ticket.event, is_published=False),
        "event_unpublished": lambda: TicketFactory(event=EventFactory(store=store), is_published=True),
        "sales_ended": lambda: TicketFactory(event=ticket.event, is_published=True,
                                             sales_end=now - timedelta(minutes=1)),
        "sales_not_started": lambda: TicketFactory(event=ticket.event, is_published=True,
                                                   sales_start=now + timedelta(days=1)),
        "album_unpublished": lambda: AlbumFactory(store=store, is_published=False),
    }[case]()


@pytest.mark.parametrize("case", ["ticket_unpublished", "event_unpublished", "ticket_store_inactive", "sales_ended",
                                  "sales_not_started", "album_unpublished", "album_store_inactive"])
def test_400_naming_item_id_when_item_not_on_sale(api, store, ticket, album, case):
    code_for(store)
    response = ask(api, "SAVE10", item_not_on_sale(case, store, ticket, album))
    assert response.status_code == 400, response.content
    assert "not on sale" in response.json()["item_id"][0]


def test_valid_when_ticket_inside_its_sales_window(api, store, ticket):
    code_for(store)
    now = timezone.now()
    ticket.sales_start, ticket.sales_end = now - timedelta(minutes=1), now + timedelta(minutes=1)
    ticket.save()
    assert ask(api, "SAVE10", ticket).json()["valid"] is True
