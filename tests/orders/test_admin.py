"""Admin actions on orders call the same services as the API."""
import pytest

from notifications.models import OutboxMessage
from orders.models import Order
from tests.orders.conftest import order_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orders(api, catalog):
    ids = [api.post("/stores/orders/", order_body((catalog.vvip, 1)), format="json").json()["id"] for _ in range(2)]
    return Order.objects.filter(pk__in=ids)


def _act(admin_client, action, orders):
    return admin_client.post("/admin/orders/order/", {"action": action, "_selected_action": [o.pk for o in orders]})


def test_admin_cancel_action_cancels_and_releases(admin_client, catalog, two_orders):
    _act(admin_client, "cancel_orders", two_orders)
    assert set(Order.objects.values_list("status", flat=True)) == {"CANCELLED"}
    catalog.vvip.refresh_from_db()
    assert catalog.vvip.reserved == 0


def test_admin_mark_cash_paid_action_pays_the_balance(admin_client, catalog, two_orders):
    _act(admin_client, "mark_cash_paid", two_orders)
    assert set(Order.objects.values_list("status", flat=True)) == {"PAID"}
    catalog.vvip.refresh_from_db()
    assert (catalog.vvip.sold, catalog.vvip.reserved) == (2, 0)


def test_admin_resend_queues_paid_messages_again(admin_client, two_orders):
    _act(admin_client, "mark_cash_paid", two_orders)
    before = OutboxMessage.objects.filter(template="order_paid").count()
    assert before == 4  # email and SMS for each order
    _act(admin_client, "resend_tickets", two_orders)
    assert OutboxMessage.objects.filter(template="order_paid").count() == 8


def test_admin_export_csv_lists_selected_orders(admin_client, two_orders):
    response = _act(admin_client, "export_csv", two_orders)
    assert response["Content-Type"] == "text/csv"
    rows = response.content.decode().strip().splitlines()
    assert rows[0].startswith("order_number,status") and len(rows) == 3
    assert {row.split(",")[0] for row in rows[1:]} == set(two_orders.values_list("order_number", flat=True))


def test_admin_order_page_renders_with_inlines(admin_client, two_orders):
    order = two_orders.first()
    response = admin_client.get(f"/admin/orders/order/{order.pk}/change/")
    assert response.status_code == 200
    assert order.order_number in response.content.decode()
