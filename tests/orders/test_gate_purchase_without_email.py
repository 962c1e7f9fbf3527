"""A gate purchase (is_gate_purchase, CASH or MOBILE_CASH, placed by a signed-in agent) needs only the
customer's name and phone number; every other order still needs an email."""
import pytest

from notifications.models import OutboxMessage
from orders.models import Order
from stores.models import Ticket
from tests.conftest import client_for
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db

WALK_UP = {"name": "Wanjiru Kamau", "phone_number": "+254722333444"}


def gate_body(*lines, customer=None, payment_method="CASH", **fields):
    body = order_body(*lines, payment_method=payment_method, is_gate_purchase=True, **fields)
    body["customer"] = dict(customer or WALK_UP)
    return body


@pytest.mark.parametrize("payment_method", ["CASH", "MOBILE_CASH"])
@pytest.mark.parametrize("email", ["absent", ""])
def test_gate_purchase_placed_without_email_when_agent_sells(catalog, payment_method, email):
    customer = dict(WALK_UP, **({} if email == "absent" else {"email": email}))
    response = client_for(catalog.agent).post(
        "/stores/orders/", gate_body((catalog.regular, 2), customer=customer, payment_method=payment_method),
        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_gate_purchase"] is True and body["customer"]["email"] == ""
    order = Order.objects.get()
    assert (order.customer_email, order.customer_phone) == ("", "+254722333444")


def test_no_email_message_queued_when_a_paid_gate_purchase_has_no_email(catalog):
    response = client_for(catalog.agent).post("/stores/orders/", gate_body((catalog.regular, 1)), format="json")
    assert response.status_code == 201 and response.json()["order_status"] == "PAID"
    assert not OutboxMessage.objects.filter(channel="email").exists()
    assert OutboxMessage.objects.filter(channel="sms", recipient="+254722333444").exists()


@pytest.mark.parametrize("changes, signed_in", [
    ({"payment_method": "MOBILE", "is_gate_purchase": False}, False),
    ({"payment_method": "CARD", "is_gate_purchase": False}, False),
    ({"payment_method": "MOBILE", "is_gate_purchase": True}, False),
    ({"payment_method": "CASH", "is_gate_purchase": False}, True),
    ({"payment_method": "MOBILE_CASH", "is_gate_purchase": False}, True),
], ids=["mobile", "card", "mobile_marked_gate", "cash_not_gate", "mobile_cash_not_gate"])
def test_order_refused_naming_customer_email_when_not_a_gate_purchase(api, catalog, changes, signed_in):
    body = order_body((catalog.regular, 1), **changes)
    body["customer"] = dict(WALK_UP)
    client = client_for(catalog.agent) if signed_in else api
    response = client.post("/stores/orders/", body, format="json")
    assert response.status_code == 400, response.content
    assert "email" in response.json()["customer"]
    assert not Order.objects.exists()


def test_gate_purchase_without_email_refused_when_not_placed_by_an_agent(api, catalog):
    response = api.post("/stores/orders/", gate_body((catalog.regular, 1)), format="json")
    assert response.status_code == 400 and "agent" in response.json()
    assert not Order.objects.exists()


def test_v1_order_still_refused_naming_customer_email_when_email_missing(catalog):
    body = {"customer": dict(WALK_UP), "currency": "KES", "payment_method": "CASH",
            "order_detail": [{"item_id": str(catalog.regular.pk), "type_name": "store.ticket", "item_quantity": 1}]}
    response = client_for(catalog.agent).post("/stores/order/", body, format="json")
    assert response.status_code == 400 and "email" in response.json()["customer"]
    assert not Order.objects.exists()


def test_buyer_limit_counts_gate_purchases_without_email_by_phone_alone(catalog):
    Ticket.objects.filter(pk=catalog.regular.pk).update(max_per_buyer=2)
    agent = client_for(catalog.agent)
    assert agent.post("/stores/orders/", gate_body((catalog.regular, 2)), format="json").status_code == 201
    again = agent.post("/stores/orders/", gate_body((catalog.regular, 1)), format="json")
    assert again.status_code == 409 and again.json()["code"] == "buyer_limit"
    someone_else = gate_body((catalog.regular, 2), customer={"name": "Otieno Odhiambo",
                                                             "phone_number": "+254722999888"})
    assert agent.post("/stores/orders/", someone_else, format="json").status_code == 201
