from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from stores.models import Ticket
from tests.conftest import client_for
from tests.factories.stores import EventFactory, ScheduleFactory, StoreFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(store):
    return EventFactory(store=store, is_published=True)


def ticket_body(event, **overrides):
    body = {"ticket_name": "Regular", "event_fk": str(event.id), "quantity": 100}
    body.update(overrides)
    return body


def post(owner, body):
    return client_for(owner).post("/stores/tickets/", body, format="json")


def test_create_ticket_priced_from_prices_when_only_prices_sent(owner, event):
    response = post(owner, ticket_body(event, prices={"KES": "1000", "usd": 8}))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["ticket_value"], data["currency"]) == ("1000.00", "KES")
    assert data["prices"] == {"KES": "1000.00", "USD": "8.00"}
    ticket = Ticket.objects.get()
    assert (ticket.ticket_value, ticket.prices) == (Decimal("1000.00"), {"KES": "1000.00", "USD": "8.00"})


def test_create_ticket_priced_in_store_currency_when_only_ticket_value_sent(owner, event):
    response = post(owner, ticket_body(event, ticket_value="750.50"))
    assert response.status_code == 201
    assert response.json()["prices"] == {"KES": "750.50"}


def test_create_ticket_free_when_no_price_sent(owner, event):
    response = post(owner, ticket_body(event))
    assert response.status_code == 201
    assert (response.json()["ticket_value"], response.json()["prices"]) == ("0.00", {"KES": "0.00"})


def test_currency_is_store_default_currency_when_store_sells_in_ugx(owner):
    event = EventFactory(store=StoreFactory(owner=owner, country="UG", default_currency="UGX"))
    response = post(owner, ticket_body(event, ticket_value="20000"))
    assert response.status_code == 201
    assert (response.json()["currency"], response.json()["prices"]) == ("UGX", {"UGX": "20000.00"})


def test_create_ticket_rejected_naming_ticket_value_when_it_contradicts_prices(owner, event):
    response = post(owner, ticket_body(event, ticket_value="900.00", prices={"KES": "1000.00"}))
    assert response.status_code == 400
    assert "ticket_value" in response.json()
    assert not Ticket.objects.exists()


def test_create_ticket_rejected_naming_prices_when_store_currency_missing(owner, event):
    response = post(owner, ticket_body(event, prices={"USD": "8.00"}))
    assert response.status_code == 400
    assert "prices" in response.json()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("prices", [{"XYZ": "10.00"}, {"KSH": "10.00"}, {"KES": "10", "EURO": "1"}, ["KES", "10"]])
def test_create_ticket_rejected_naming_prices_when_currency_unknown(owner, event, prices):
    response = post(owner, ticket_body(event, prices=prices))
    assert response.status_code == 400
    assert "prices" in response.json()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("amount", ["-1.00", "10.005", "ten", None, True])
def test_create_ticket_rejected_naming_prices_when_amount_invalid(owner, event, amount):
    response = post(owner, ticket_body(event, prices={"KES": amount}))
    assert response.status_code == 400
    assert "prices" in response.json()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("value", ["-5.00", "1.234", "abc"])
def test_create_ticket_rejected_naming_ticket_value_when_invalid(owner, event, value):
    response = post(owner, ticket_body(event, ticket_value=value))
    assert response.status_code == 400
    assert "ticket_value" in response.json()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("quantity", [-1, 2.5, "abc", None])
def test_create_ticket_rejected_naming_quantity_when_not_a_non_negative_integer(owner, event, quantity):
    response = post(owner, ticket_body(event, quantity=quantity))
    assert response.status_code == 400
    assert "quantity" in response.json()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("missing", ["ticket_name", "event_fk", "quantity"])
def test_create_ticket_rejected_naming_field_when_required_field_missing(owner, event, missing):
    body = ticket_body(event)
    del body[missing]
    response = post(owner, body)
    assert response.status_code == 400
    assert missing in response.json()
    assert not Ticket.objects.exists()


def test_create_ticket_rejected_naming_event_fk_when_event_in_another_owners_store(owner, other_owner):
    foreign_event = EventFactory(store=other_owner.owned_stores.get())
    response = post(owner, ticket_body(foreign_event))
    assert response.status_code == 400
    assert "event_fk" in response.json()
    assert not Ticket.objects.exists()


def test_create_ticket_rejected_naming_schedule_fk_when_schedule_of_another_event(owner, store, event):
    other_schedule = ScheduleFactory(event=EventFactory(store=store))
    response = post(owner, ticket_body(event, schedule_fk=str(other_schedule.id)))
    assert response.status_code == 400
    assert "schedule_fk" in response.json()
    assert not Ticket.objects.exists()


def test_create_ticket_rejected_naming_sales_end_when_before_sales_start(owner, event):
    body = ticket_body(event, sales_start="2030-01-02T00:00:00Z", sales_end="2030-01-01T00:00:00Z")
    response = post(owner, body)
    assert response.status_code == 400
    assert "sales_end" in response.json()
    assert not Ticket.objects.exists()


def test_update_ticket_rejected_naming_sales_end_when_before_stored_sales_start(owner, event):
    ticket = TicketFactory(event=event, sales_start=timezone.now() + timedelta(days=2))
    response = client_for(owner).patch(f"/stores/tickets/{ticket.id}/",
                                       {"sales_end": (timezone.now() + timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    assert "sales_end" in response.json()
    ticket.refresh_from_db()
    assert ticket.sales_end is None


def test_update_ticket_rejected_naming_quantity_when_below_sold_plus_reserved(owner, event):
    ticket = TicketFactory(event=event, quantity=100, sold=60, reserved=30)
    response = client_for(owner).patch(f"/stores/tickets/{ticket.id}/", {"quantity": 89, "ticket_name": "New"})
    assert response.status_code == 400
    assert "quantity" in response.json()
    ticket.refresh_from_db()
    assert (ticket.quantity, ticket.ticket_name) == (100, ticket.ticket_name)
    assert ticket.ticket_name != "New"


def test_update_ticket_quantity_when_it_still_covers_sold_plus_reserved(owner, event):
    ticket = TicketFactory(event=event, quantity=100, sold=60, reserved=30)
    response = client_for(owner).patch(f"/stores/tickets/{ticket.id}", {"quantity": 90})
    assert response.status_code == 200
    assert (response.json()["quantity"], response.json()["tickets_available"]) == (90, 0)


def test_update_ticket_ignores_computed_fields_when_sent(owner, event):
    ticket = TicketFactory(event=event, quantity=10, sold=4)
    response = client_for(owner).patch(f"/stores/tickets/{ticket.id}/",
                                       {"tickets_bought": 0, "tickets_available": 99, "is_available": False})
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.sold, ticket.quantity) == (4, 10)


def test_update_ticket_keeps_other_currencies_when_only_ticket_value_sent(owner, event):
    ticket = TicketFactory(event=event, prices={"KES": "1000.00", "USD": "8.00"})
    response = client_for(owner).patch(f"/stores/tickets/{ticket.id}/", {"ticket_value": "1200"})
    assert response.status_code == 200
    assert response.json()["prices"] == {"KES": "1200.00", "USD": "8.00"}
    ticket.refresh_from_db()
    assert ticket.ticket_value == Decimal("1200.00")


def test_update_ticket_value_follows_prices_when_only_prices_sent(owner, event):
    ticket = TicketFactory(event=event)
    response = client_for(owner).patch(f"/stores/tickets/{ticket.id}/", {"prices": {"KES": "1500.00"}}, format="json")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.ticket_value, ticket.prices) == (Decimal("1500.00"), {"KES": "1500.00"})


def test_update_ticket_rejected_naming_event_fk_when_moved_to_another_event(owner, store, event):
    ticket = TicketFactory(event=event)
    response = client_for(owner).patch(f"/stores/tickets/{ticket.id}/",
                                       {"event_fk": str(EventFactory(store=store).id)})
    assert response.status_code == 400
    assert "event_fk" in response.json()
    ticket.refresh_from_db()
    assert ticket.event == event


def test_availability_computed_when_sold_and_reserved(owner, event):
    ticket = TicketFactory(event=event, is_published=True, quantity=20, sold=5, reserved=3)
    data = client_for(owner).get(f"/stores/tickets/{ticket.id}/").json()
    assert (data["tickets_bought"], data["tickets_available"], data["is_available"]) == (5, 12, True)


@pytest.mark.parametrize("change", [
    {"is_published": False},
    {"sales_start": timedelta(hours=1)},
    {"sales_end": timedelta(hours=-1)},
    {"sold": 20},
    {"event_unpublished": True},
])
def test_ticket_unavailable_when_not_on_sale(owner, event, change):
    now = timezone.now()
    fields = {"is_published": True, "quantity": 20}
    for name, value in change.items():
        if name == "event_unpublished":
            event.is_published = False
            event.save()
        elif isinstance(value, timedelta):
            fields[name] = now + value
        else:
            fields[name] = value
    ticket = TicketFactory(event=event, **fields)
    assert client_for(owner).get(f"/stores/tickets/{ticket.id}/").json()["is_available"] is False


def test_ticket_available_when_inside_sales_window(owner, event):
    now = timezone.now()
    ticket = TicketFactory(event=event, is_published=True, sales_start=now - timedelta(hours=1),
                           sales_end=now + timedelta(hours=1))
    assert client_for(owner).get(f"/stores/tickets/{ticket.id}/").json()["is_available"] is True


def test_delete_ticket_when_nothing_sold(owner, event):
    ticket = TicketFactory(event=event)
    assert client_for(owner).delete(f"/stores/tickets/{ticket.id}/").status_code == 204
    assert not Ticket.objects.exists()


def test_delete_ticket_refused_with_409_when_units_reserved(owner, event):
    ticket = TicketFactory(event=event, reserved=2)
    response = client_for(owner).delete(f"/stores/tickets/{ticket.id}/")
    assert response.status_code == 409
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_ticket_list_filtered_when_event_given(owner, event, store):
    wanted = TicketFactory(event=event)
    TicketFactory(event=EventFactory(store=store))
    body = client_for(owner).get("/stores/tickets/", {"event": str(event.id)}).json()
    assert [t["id"] for t in body["results"]] == [str(wanted.id)]
