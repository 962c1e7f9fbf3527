"""A single price has at most 8 integer digits: an order line of 1000 units must still fit its columns."""
import pytest

from stores.models import Album, Ticket
from tests.conftest import client_for
from tests.factories.stores import CategoryFactory, EventFactory, MediaTypeFactory, TicketFactory

pytestmark = pytest.mark.django_db

HIGHEST = "99999999.99"
TOO_HIGH = "100000000.00"


def ticket_body(event, **prices):
    return {"ticket_name": "Regular", "event_fk": str(event.id), "quantity": 10, **prices}


def album_body(store, prices):
    return {"name": "Dear", "store": str(store.id), "media_type": str(MediaTypeFactory().id),
            "category": str(CategoryFactory().id), "authors": ["mtiaji"], "description": "-", "prices": prices}


@pytest.mark.parametrize("price, field", [
    ({"ticket_value": TOO_HIGH}, "ticket_value"),
    ({"prices": {"KES": TOO_HIGH}}, "prices"),
    ({"prices": {"KES": "1000.00", "USD": TOO_HIGH}}, "prices"),
])
def test_ticket_create_refused_naming_the_price_when_above_the_highest(owner, store, price, field):
    response = client_for(owner).post("/stores/tickets/", ticket_body(EventFactory(store=store), **price),
                                      format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert HIGHEST in str(response.json()[field])
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("price", [{"ticket_value": HIGHEST}, {"prices": {"KES": HIGHEST}}])
def test_ticket_create_accepted_when_price_is_the_highest(owner, store, price):
    response = client_for(owner).post("/stores/tickets/", ticket_body(EventFactory(store=store), **price),
                                      format="json")
    assert response.status_code == 201, response.content
    assert response.json()["ticket_value"] == HIGHEST


def test_ticket_update_refused_naming_ticket_value_when_above_the_highest(owner, store):
    ticket = TicketFactory(event=EventFactory(store=store))
    response = client_for(owner).patch(f"/stores/tickets/{ticket.id}/", {"ticket_value": TOO_HIGH}, format="json")
    assert response.status_code == 400 and "ticket_value" in response.json()
    ticket.refresh_from_db()
    assert str(ticket.ticket_value) == "1000.00"


def test_album_create_refused_naming_prices_when_above_the_highest(owner, store):
    response = client_for(owner).post("/stores/album/", album_body(store, {"KES": TOO_HIGH}), format="json")
    assert response.status_code == 400, response.content
    assert HIGHEST in response.json()["prices"]["KES"][0]
    assert not Album.objects.exists()


def test_album_create_accepted_when_price_is_the_highest(owner, store):
    response = client_for(owner).post("/stores/album/", album_body(store, {"KES": HIGHEST}), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["prices"] == {"KES": HIGHEST}


ODD_AMOUNTS = ["1e999999", "-1e999999", "1e-999999", "1E+9", "NaN", "sNaN", "Infinity", "-Infinity", 1e308,
               "99999999999999999999999", 99999999999999999999999, "0.001", "-0.01", "", True, None, [], {}]


@pytest.mark.parametrize("amount", ODD_AMOUNTS)
def test_album_create_refused_naming_prices_when_the_amount_is_odd(owner, store, amount):
    response = client_for(owner).post("/stores/album/", album_body(store, {"KES": amount}), format="json")
    assert response.status_code == 400, response.content
    assert "KES" in response.json()["prices"]
    assert not Album.objects.exists()


@pytest.mark.parametrize("amount", ODD_AMOUNTS)
@pytest.mark.parametrize("field", ["ticket_value", "prices"])
def test_ticket_create_refused_naming_the_price_when_the_amount_is_odd(owner, store, field, amount):
    price = {"prices": {"KES": amount}} if field == "prices" else {"ticket_value": amount}
    response = client_for(owner).post("/stores/tickets/", ticket_body(EventFactory(store=store), **price),
                                      format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("amount", ["1e999999", "NaN", "1e-999999"])
def test_album_update_refused_naming_prices_when_the_amount_is_odd(owner, store, amount):
    created = client_for(owner).post("/stores/album/", album_body(store, {"KES": "10.00"}), format="json").json()
    response = client_for(owner).patch(f"/stores/album/{created['id']}/", {"prices": {"KES": amount}}, format="json")
    assert response.status_code == 400 and "prices" in response.json()
    assert Album.objects.get().prices == {"KES": "10.00"}
