"""Orders paid through each provider's sandbox, the way buyers pay them, for the refund tests."""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from orders.models import Order
from payments import http
from stores.models import Event, Ticket
from tests.conftest import client_for
from tests.orders.conftest import Catalog, catalog, order_body, store_create, ticket_create  # noqa: F401 (fixture)

CUSTOMERS = {
    "MPESA": {"name": "Jane Doe", "email": "jane@doe.com", "phone_number": "+254720111222"},
    "AIRTEL": {"name": "Jane Doe", "email": "jane@doe.com", "phone_number": "+254733111222"},
    "MTNUG": {"name": "Musa Kato", "email": "musa@example.com", "phone_number": "+256772123456"},
    "AIRTELUG": {"name": "Musa Kato", "email": "musa@example.com", "phone_number": "+256752123456"},
}
UGANDAN = ("MTNUG", "AIRTELUG")


@pytest.fixture(autouse=True)
def recorded():
    """What the sandboxes were sent, this test only."""
    http.sandbox_requests.clear()
    yield http.sandbox_requests
    http.sandbox_requests.clear()


def sent(path_part: str, method: str = "POST") -> list[dict]:
    return [r for r in http.sandbox_requests if path_part in r["url"] and r["method"] == method]


@dataclass
class Shop:
    """A catalog in Kenya and one in Uganda; orders placed and paid through the API and the sandboxes."""

    api: object
    catalog: Catalog
    uganda_ticket: Ticket
    capture: object

    @property
    def owner(self):
        return client_for(self.catalog.owner)

    def place(self, method: str = "MPESA", *, quantity: int = 2, installments: int = 1) -> Order:
        ugandan = method in UGANDAN
        line = (self.uganda_ticket if ugandan else self.catalog.vvip, quantity)
        body = order_body(line, customer=dict(CUSTOMERS[method]), currency="UGX" if ugandan else "KES",
                          exact_payment_method=method, payment_installments=installments)
        with self.capture(execute=True):  # the prompt leaves after commit
            response = self.api.post("/stores/orders/", body, format="json")
        assert response.status_code == 201, response.json()
        return Order.objects.get(pk=response.json()["id"])

    def pay(self, order: Order, amount: Decimal | str | None = None) -> dict:
        """The buyer answers the provider's prompt (the order's pending one, or one for `amount`)."""
        body = {"order_number": order.order_number, **({"amount": str(amount)} if amount is not None else {})}
        response = self.api.post("/payments/sandbox/complete/", body, format="json")
        assert response.status_code == 200, response.json()
        return response.json()

    def paid(self, method: str = "MPESA", *, quantity: int = 2, installments: int = 1) -> Order:
        order = self.place(method, quantity=quantity, installments=installments)
        while order.status != "PAID":
            self.pay(order, None if order.status == "PENDING" else order.order_balance)
            order.refresh_from_db()
        return order

    def paid_by_card(self, *, quantity: int = 2) -> Order:
        response = self.api.post("/stores/orders/", order_body((self.catalog.vvip, quantity), payment_method="CARD"),
                                 format="json")
        assert response.status_code == 201, response.json()
        payload = response.json()["pay_response"]["payload"]
        self.api.post("/payments/sandbox/cybersource/pay/", data=urlencode(
            {**payload, "sandbox_action": "pay", "sandbox_card": "4111111111111111"}),
            content_type="application/x-www-form-urlencoded")
        order = Order.objects.get(order_number=response.json()["order_number"])
        assert order.status == "PAID"
        return order

    def paid_in_cash(self, *, quantity: int = 2) -> Order:
        response = client_for(self.catalog.agent).post(
            "/stores/orders/", order_body((self.catalog.vvip, quantity), payment_method="CASH"), format="json")
        assert response.status_code == 201 and response.json()["order_status"] == "PAID", response.json()
        return Order.objects.get(pk=response.json()["id"])

    def refund(self, order: Order, amount=None, *, client=None):
        body = {} if amount is None else {"amount": str(amount)}
        return (client or self.owner).post(f"/stores/orders/{order.pk}/refund/", body, format="json")


@pytest.fixture
def uganda_ticket(catalog):
    store = store_create(owner=catalog.owner, name="Kampala Live", country="UG", currency="UGX")
    event = Event.objects.create(store=store, event_category=catalog.category, event_name="Kampala Jazz",
                                 event_venue="Kampala", event_description="jazz night", is_published=True,
                                 start_date=timezone.now() + timedelta(days=30))
    return ticket_create(event, "Regular", "50000.00", quantity=100, allow_pay_later=True)


@pytest.fixture
def shop(api, catalog, uganda_ticket, django_capture_on_commit_callbacks) -> Shop:
    return Shop(api=api, catalog=catalog, uganda_ticket=uganda_ticket, capture=django_capture_on_commit_callbacks)
