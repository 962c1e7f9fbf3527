"""The buyer's ticket pages carry a strict Content-Security-Policy; their JSON needs none."""
import uuid

import pytest

from tickets.models import IssuedTicket

pytestmark = pytest.mark.django_db


def _assert_strict_page(response):
    assert response["Content-Type"].startswith("text/html")
    policy = [directive.strip() for directive in response["Content-Security-Policy"].split(";")]
    assert {"default-src 'none'", "frame-ancestors 'none'", "img-src 'self' data:", "base-uri 'none'"} <= set(policy)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_ticket_list_page_carries_a_strict_policy_when_html(api, paid_order):
    response = api.get(f"/stores/orders/{paid_order.pk}/tickets/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and "qr.png" in response.content.decode()
    _assert_strict_page(response)


def test_ticket_page_carries_a_strict_policy_when_html(api, paid_order):
    ticket = IssuedTicket.objects.filter(order=paid_order).first()
    response = api.get(f"/stores/orders/{paid_order.pk}/tickets/{ticket.pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    _assert_strict_page(response)


def test_not_found_page_carries_a_strict_policy_when_html(api, paid_order):
    response = api.get(f"/stores/orders/{uuid.uuid4()}/tickets/", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    _assert_strict_page(response)


def test_ticket_json_carries_no_policy_when_json(api, paid_order):
    response = api.get(f"/stores/orders/{paid_order.pk}/tickets/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and "Content-Security-Policy" not in response
