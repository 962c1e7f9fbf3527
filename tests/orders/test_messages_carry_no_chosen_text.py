"""Anyone can order in anyone's name: what they type must not turn our messages into theirs."""
import pytest

from notifications.models import OutboxMessage
from orders.models import Order
from tests.orders.conftest import order_body, ticket_create

pytestmark = pytest.mark.django_db

PHISHING_NAMES = [
    "URGENT: your M-Pesa is locked, visit http://evil.example",
    "Call now evil.example",
    "Jane\u0007Doe",
    "Jane\u202eeoD",
    "x" * 101,
]


@pytest.fixture
def free_ticket(catalog):
    return ticket_create(catalog.event, "Free pass", "0.00", quantity=100)


@pytest.mark.parametrize("name", PHISHING_NAMES)
def test_customer_name_refused_when_it_carries_a_message(api, free_ticket, name):
    body = order_body((free_ticket, 1))
    body["customer"]["name"] = name
    response = api.post("/stores/orders/", body, format="json")
    assert response.status_code == 400 and "name" in response.json()["customer"]
    assert not Order.objects.exists() and not OutboxMessage.objects.exists()


def test_attendee_names_refused_when_they_carry_a_link(api, free_ticket):
    line = {"item_id": str(free_ticket.pk), "type_name": "store.ticket", "item_quantity": 1,
            "ticket_names": ["see www.evil.example/pay"]}
    response = api.post("/stores/orders/", order_body(line), format="json")
    assert response.status_code == 400 and "ticket_names" in response.json()["order_detail"]["0"]


@pytest.mark.parametrize("name", ["Jane Doe", "Seán O'Brien-Ochieng", "J. R. Okello", "Wanjiru Kamau & Co.",
                                  "Ngũgĩ wa Thiong'o", "محمد علي"])
def test_real_names_accepted(api, free_ticket, name):
    body = order_body((free_ticket, 1))
    body["customer"]["name"] = name
    assert api.post("/stores/orders/", body, format="json").status_code == 201


def test_customer_sms_carries_no_name_when_order_paid(api, free_ticket, smsoutbox,
                                                      django_capture_on_commit_callbacks):
    body = order_body({"item_id": str(free_ticket.pk), "type_name": "store.ticket", "item_quantity": 1,
                       "ticket_names": ["Akinyi Otieno"]})
    body["customer"]["name"] = "Wanjiku Mwangi"
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/stores/orders/", body, format="json").status_code == 201
    texts = [message.body for message in smsoutbox]
    assert texts and not any("Wanjiku" in text or "Akinyi" in text for text in texts)
