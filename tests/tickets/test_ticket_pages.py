"""A buyer's tickets: JSON, an HTML page and QR images, reachable only through the order's id."""
import uuid

import pytest

from orders.services import order_refund
from tickets.keys import ticket_keys
from tickets.models import IssuedTicket
from tickets.tokens import ticket_token_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(paid_order):
    return IssuedTicket.objects.filter(order=paid_order).order_by("order_line__position", "sequence").first()


def test_ticket_detail_carries_a_token_that_verifies(api, paid_order, ticket):
    body = api.get(f"/stores/orders/{paid_order.pk}/tickets/{ticket.pk}/").json()
    assert (body["attendee"], body["ticket_name"], body["order_number"]) == ("Amina Njeri", "VVIP",
                                                                             paid_order.order_number)
    assert ticket_token_verify(body["token"], ticket_keys().verify).ticket_id == ticket.pk


def test_qr_png_is_served_for_the_order_holder(api, paid_order, ticket):
    response = api.get(f"/stores/orders/{paid_order.pk}/tickets/{ticket.pk}/qr.png", HTTP_ACCEPT="image/*")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_html_page_lists_the_line_tickets_with_qr_images(api, paid_order):
    line = paid_order.lines.order_by("position").first()
    response = api.get(f"/stores/orders/{paid_order.pk}/tickets/", {"line": str(line.pk)}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert page.count("qr.png") == 2 and "Amina Njeri" in page and "Regular" not in page


def test_json_list_has_every_ticket_of_the_order(api, paid_order):
    body = api.get(f"/stores/orders/{paid_order.pk}/tickets").json()
    assert [t["ticket_name"] for t in body["tickets"]] == ["VVIP", "VVIP", "Regular"]


def test_wrong_order_id_is_404(api, catalog, paid_order, ticket):
    other = uuid.uuid4()
    assert api.get(f"/stores/orders/{other}/tickets/").status_code == 404
    assert api.get(f"/stores/orders/{other}/tickets/{ticket.pk}/").status_code == 404
    assert api.get(f"/stores/orders/{other}/tickets/{ticket.pk}/qr.png").status_code == 404
    assert api.get(f"/stores/orders/{paid_order.pk}/tickets/{uuid.uuid4()}/qr.png").status_code == 404


def test_void_ticket_has_no_qr_and_its_page_says_void(api, paid_order, ticket):
    order_refund(order_id=paid_order.pk)
    assert api.get(f"/stores/orders/{paid_order.pk}/tickets/{ticket.pk}/qr.png").status_code == 404
    body = api.get(f"/stores/orders/{paid_order.pk}/tickets/{ticket.pk}/").json()
    assert body["status"] == "VOID" and body["token"] is None
    page = api.get(f"/stores/orders/{paid_order.pk}/tickets/", HTTP_ACCEPT="text/html").content.decode()
    assert "VOID" in page and "qr.png" not in page
