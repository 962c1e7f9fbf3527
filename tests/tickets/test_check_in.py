"""POST /stores/check_in/: once 200, then 409 with the first scan; not a genuine code, unknown, void,
not yours 404."""
import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from orders.services import order_refund
from tickets.models import IssuedTicket
from tickets.qr import issued_ticket_token
from tickets.tokens import (
    b64_decode, b64url_encode, private_key_parse, public_key_raw, ticket_token_sign,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(paid_order):
    return IssuedTicket.objects.filter(order=paid_order).order_by("order_line__position", "sequence").first()


def scan(client, code, **fields):
    return client.post("/stores/check_in/", {"code": code, **fields}, format="json")


def test_first_scan_admits_with_attendee_and_ticket_type(gates, ticket):
    response = scan(gates["agent"], issued_ticket_token(ticket), gate="North")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["attendee"], body["ticket_name"], body["status"], body["gate"]) == \
        ("Amina Njeri", "VVIP", "CHECKED_IN", "North")
    ticket.refresh_from_db()
    assert ticket.status == "CHECKED_IN" and ticket.checked_in_gate == "North"


def test_second_scan_is_409_with_first_scan_time_and_agent_when_already_checked_in(gates, catalog, ticket):
    first = scan(gates["agent"], issued_ticket_token(ticket), gate="North").json()
    response = scan(gates["owner"], issued_ticket_token(ticket), gate="South")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "already_checked_in"
    assert body["checked_in_at"] == first["checked_in_at"] and body["gate"] == "North"
    assert body["checked_in_by"]["email"] == catalog.agent.email


def test_ticket_id_typed_by_hand_works_like_the_token(gates, ticket):
    assert scan(gates["owner"], str(ticket.pk)).status_code == 200
    assert scan(gates["owner"], str(ticket.pk)).status_code == 409


def _altered(ticket) -> str:
    data = bytearray(b64_decode(issued_ticket_token(ticket)))
    data[50] ^= 0xFF
    return b64url_encode(bytes(data))


def _signed_by_another_key(ticket) -> str:
    return ticket_token_sign(private_key=Ed25519PrivateKey.generate(), ticket_id=ticket.pk, event_id=ticket.event_id,
                             attendee=ticket.attendee, issued_at=ticket.issued_at)


NOT_GENUINE = {
    "altered": _altered,
    "signed_by_another_key": _signed_by_another_key,
    "truncated": lambda ticket: issued_ticket_token(ticket)[:60],
    "random_text": lambda ticket: "definitely-not-a-ticket",
    "not_base64": lambda ticket: "%%%%",
}


@pytest.mark.parametrize("forgery", NOT_GENUINE)
def test_check_in_is_404_with_code_when_code_is_not_a_genuine_ticket(gates, ticket, forgery):
    response = scan(gates["agent"], NOT_GENUINE[forgery](ticket))
    assert response.status_code == 404
    assert response.json()["code"] == "ticket_token_invalid"
    ticket.refresh_from_db()
    assert ticket.status == "VALID"


def test_unknown_ticket_is_404(gates, ticket):
    response = scan(gates["agent"], "5b0f3f8e-0000-4000-8000-000000000000")
    assert response.status_code == 404 and response.json()["code"] == "ticket_not_found"


def test_another_stores_agent_gets_404(gates, ticket):
    response = scan(gates["other_agent"], issued_ticket_token(ticket))
    assert response.status_code == 404 and response.json()["code"] == "ticket_not_found"
    ticket.refresh_from_db()
    assert ticket.status == "VALID"


def test_anonymous_is_401(api, ticket):
    assert scan(api, str(ticket.pk)).status_code == 401


def test_ticket_of_another_event_is_404_when_gate_names_its_event(gates, catalog, ticket):
    from tests.factories.stores import EventFactory

    elsewhere = EventFactory(store=catalog.store)
    assert scan(gates["agent"], str(ticket.pk), event=str(elsewhere.pk)).status_code == 404
    assert scan(gates["agent"], str(ticket.pk), event=str(catalog.event.pk)).status_code == 200


def test_refund_voids_tickets_and_check_in_refuses_them(gates, paid_order, ticket):
    order_refund(order_id=paid_order.pk)
    assert set(IssuedTicket.objects.filter(order=paid_order).values_list("status", flat=True)) == {"VOID"}
    response = scan(gates["agent"], issued_ticket_token(ticket))
    assert response.status_code == 404 and response.json()["code"] == "ticket_void"


def test_refund_api_voids_tickets_already_checked_in_too(gates, paid_order, ticket):
    assert scan(gates["agent"], str(ticket.pk)).status_code == 200
    assert gates["owner"].post(f"/stores/orders/{paid_order.pk}/refund/").status_code == 200
    assert scan(gates["agent"], str(ticket.pk)).json()["code"] == "ticket_void"


def test_token_keeps_working_after_rotation_when_old_key_listed(gates, settings, ticket):
    old_token = issued_ticket_token(ticket)
    old_public = private_key_parse(settings.TICKET_SIGNING_KEY).public_key()
    settings.TICKET_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()
    assert scan(gates["agent"], old_token).status_code == 404  # the old key is not trusted any more
    settings.TICKET_VERIFY_KEYS = [base64.b64encode(public_key_raw(old_public)).decode()]
    assert scan(gates["agent"], old_token).status_code == 200
    assert issued_ticket_token(ticket) != old_token  # new QR codes use the new key
