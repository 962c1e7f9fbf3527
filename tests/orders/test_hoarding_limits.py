"""Bots cannot hold a release: one buyer is one buyer, seats are held briefly, orders per buyer are limited."""
from datetime import timedelta

import pytest

from orders.models import Order
from stores.models import Event, Ticket
from tests.conftest import client_for
from tests.orders.conftest import order_body, ticket_create

pytestmark = pytest.mark.django_db


def _as(body, *, email=None, phone=None):
    if email:
        body["customer"]["email"] = email
    if phone:
        body["customer"]["phone_number"] = phone
    return body


def test_email_aliases_are_one_buyer_when_plus_tags_or_gmail_dots(api, catalog):
    Ticket.objects.filter(pk=catalog.regular.pk).update(max_per_buyer=2)
    first = _as(order_body((catalog.regular, 2)), email="nAme@gmail.com", phone="+254733000001")
    assert api.post("/stores/orders/", first, format="json").status_code == 201
    for n, alias in enumerate(("name+1@gmail.com", "n.ame@gmail.com", "N.A.M.E+x@googlemail.com")):
        body = _as(order_body((catalog.regular, 1)), email=alias, phone=f"+25473300010{n}")
        response = api.post("/stores/orders/", body, format="json")
        assert response.status_code == 409 and response.json()["code"] == "buyer_limit", alias
    other_domain = _as(order_body((catalog.regular, 1)), email="n.ame@example.com", phone="+254733000200")
    assert api.post("/stores/orders/", other_domain, format="json").status_code == 201


def test_buyer_limit_answer_says_nothing_of_what_the_buyer_holds(api, catalog):
    Ticket.objects.filter(pk=catalog.regular.pk).update(max_per_buyer=2)
    api.post("/stores/orders/", order_body((catalog.regular, 2)), format="json")
    response = api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json")
    assert response.status_code == 409
    assert set(response.json()) == {"detail", "code", "ticket_id", "limit"}


def test_free_tickets_obey_per_buyer_limits_when_paid_at_once(api, catalog):
    free = ticket_create(catalog.event, "Free pass", "0.00", quantity=100, max_per_buyer=2)
    first = api.post("/stores/orders/", order_body((free, 2)), format="json")
    assert first.status_code == 201 and first.json()["order_status"] == "PAID"
    again = _as(order_body((free, 1)), email="jane+again@doe.com", phone="+254733000300")
    response = api.post("/stores/orders/", again, format="json")
    assert response.status_code == 409 and response.json()["code"] == "buyer_limit"


def test_pay_later_refused_when_ticket_type_does_not_allow_it(api, catalog):
    for fields in ({"is_pay_later": True}, {"payment_installments": 2}):
        response = api.post("/stores/orders/", order_body((catalog.regular, 1), **fields), format="json")
        assert response.status_code == 400 and set(response.json()) & {"is_pay_later", "payment_installments"}
    assert not Order.objects.exists()


def test_pay_later_has_its_own_per_buyer_cap_when_allowed(api, catalog):
    Ticket.objects.filter(pk=catalog.regular.pk).update(allow_pay_later=True, pay_later_max_per_buyer=2)
    assert api.post("/stores/orders/", order_body((catalog.regular, 2), is_pay_later=True),
                    format="json").status_code == 201
    response = api.post("/stores/orders/", order_body((catalog.regular, 1), is_pay_later=True), format="json")
    assert response.status_code == 409 and response.json()["code"] == "pay_later_limit"
    # Paying at once is still open to the same buyer.
    assert api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json").status_code == 201


def test_unpaid_mobile_order_holds_seats_for_the_events_window(api, catalog):
    response = api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json")
    order = Order.objects.get(pk=response.json()["id"])
    assert abs((order.expires_at - order.created) - timedelta(minutes=15)) < timedelta(seconds=5)
    Event.objects.filter(pk=catalog.event.pk).update(payment_window_minutes=5)
    response = api.post("/stores/orders/", order_body((catalog.regular, 1)), format="json")
    order = Order.objects.get(pk=response.json()["id"])
    assert abs((order.expires_at - order.created) - timedelta(minutes=5)) < timedelta(seconds=5)


def test_owner_sets_payment_window_and_pay_later_through_the_api(catalog):
    owner = client_for(catalog.owner)
    response = owner.patch(f"/stores/event/{catalog.event.pk}/", {"payment_window_minutes": 10}, format="json")
    assert response.status_code == 200 and response.json()["payment_window_minutes"] == 10
    assert owner.patch(f"/stores/event/{catalog.event.pk}/", {"payment_window_minutes": 0},
                       format="json").status_code == 400
    response = owner.patch(f"/stores/tickets/{catalog.regular.pk}/",
                           {"allow_pay_later": True, "pay_later_max_per_buyer": 4}, format="json")
    assert response.status_code == 200 and response.json()["allow_pay_later"] is True


def test_orders_per_email_are_limited_when_address_and_phone_change(api, catalog, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "order_create_email": "3/hour"}}
    statuses = [api.post("/stores/orders/", _as(order_body((catalog.regular, 1)), email=f"bot+{n}@gmail.com",
                                                phone=f"+25473340000{n}"),
                         format="json", HTTP_X_FORWARDED_FOR=f"41.0.0.{n}").status_code for n in range(5)]
    assert statuses == [201, 201, 201, 429, 429]


def test_orders_per_phone_are_limited_when_email_changes(api, catalog, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "order_create_phone": "2/hour"}}
    statuses = [api.post("/stores/orders/", _as(order_body((catalog.regular, 1)), email=f"fan{n}@example.com"),
                         format="json").status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    other = _as(order_body((catalog.regular, 1)), email="else@example.com", phone="+254733777777")
    assert api.post("/stores/orders/", other, format="json").status_code == 201


def test_agent_gate_sales_are_not_limited_per_buyer_email(catalog, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "order_create_email": "2/hour"}}
    agent = client_for(catalog.agent)
    statuses = [agent.post("/stores/orders/", _as(order_body((catalog.regular, 1), payment_method="CASH"),
                                                  phone=f"+25473350000{n}"), format="json").status_code
                for n in range(4)]
    assert statuses == [201] * 4
