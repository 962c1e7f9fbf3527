from decimal import Decimal

import pytest

from stores.models import Store, Ticket
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.stores import AlbumFactory, EventFactory, StoreTypeFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def store_type(db):
    return StoreTypeFactory(name="events")


def store_body(store_type, **overrides):
    body = {"store_name": "Story", "store_type_id": str(store_type.id)}
    body.update(overrides)
    return body


def test_create_store_makes_creator_its_owner_and_a_store_owner(store_type):
    user = UserFactory()
    response = client_for(user).post("/stores/store/", store_body(store_type), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["owner"], data["country"], data["default_currency"]) == (str(user.id), "KE", "KES")
    assert data["store_contacts"] == {"emails": [], "phone_numbers": []}
    assert Store.objects.get(pk=data["id"]).owner == user
    assert user.groups.filter(name="store_owner").exists()


@pytest.mark.parametrize("country, currency", [("UG", "UGX"), ("TZ", "TZS"), ("RW", "RWF")])
def test_store_currency_defaults_to_country_currency_when_not_given(store_type, country, currency):
    response = client_for(UserFactory()).post("/stores/store/", store_body(store_type, country=country))
    assert response.json()["default_currency"] == currency


def test_store_created_with_contacts_normalized(store_type):
    contacts = {"emails": ["shop@example.com"], "phone_numbers": ["+254 720 111 222"]}
    response = client_for(UserFactory()).post("/stores/store/", store_body(store_type, store_contacts=contacts),
                                              format="json")
    assert response.status_code == 201
    assert response.json()["store_contacts"] == {"emails": ["shop@example.com"], "phone_numbers": ["+254720111222"]}


@pytest.mark.parametrize("field, value", [
    ("default_currency", "KSH"), ("country", "NG"), ("store_type_id", "daf67422-0e40-4a6e-969e-7a58406e229a"),
    ("store_contacts", {"emails": ["nope"], "phone_numbers": []}),
    ("store_contacts", {"emails": [], "phone_numbers": ["0720111222"]}),
])
def test_create_store_rejected_naming_field_when_invalid(store_type, field, value):
    user = UserFactory()
    response = client_for(user).post("/stores/store/", store_body(store_type, **{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Store.objects.exists()
    assert not user.groups.exists()


def test_create_store_requires_authentication(api, store_type):
    assert api.post("/stores/store/", store_body(store_type)).status_code == 401


def test_default_currency_switch_reprices_tickets_when_every_item_priced_in_it(owner, store):
    ticket = TicketFactory(event=EventFactory(store=store), prices={"KES": "1000.00", "USD": "8.00"})
    AlbumFactory(store=store, prices={"KES": "800.00", "USD": "6.00"})
    response = client_for(owner).patch(f"/stores/store/{store.id}/", {"default_currency": "usd"})
    assert response.status_code == 200
    assert response.json()["default_currency"] == "USD"
    ticket.refresh_from_db()
    assert ticket.ticket_value == Decimal("8.00")


def test_default_currency_switch_rejected_naming_it_when_a_ticket_lacks_that_price(owner, store):
    TicketFactory(event=EventFactory(store=store), prices={"KES": "1000.00"})
    response = client_for(owner).patch(f"/stores/store/{store.id}/", {"default_currency": "USD"})
    assert response.status_code == 400
    assert "default_currency" in response.json()
    store.refresh_from_db()
    assert store.default_currency == "KES"
    assert Ticket.objects.get().ticket_value == Decimal("1000.00")


def test_delete_store_refused_with_409_when_it_has_events(owner, store):
    EventFactory(store=store)
    response = client_for(owner).delete(f"/stores/store/{store.id}/")
    assert response.status_code == 409
    assert Store.objects.filter(pk=store.pk).exists()


def test_store_type_name_unique_ignoring_case_when_super_admin_creates(super_admin, store_type):
    response = client_for(super_admin).post("/stores/store_type/", {"name": "EVENTS"})
    assert response.status_code == 400
    assert "name" in response.json()


def test_store_type_delete_refused_with_409_when_stores_use_it(super_admin, store):
    response = client_for(super_admin).delete(f"/stores/store_type/{store.store_type_id}/")
    assert response.status_code == 409
