"""What an offline gate downloads: the public keys and the ticket lists, for the event's staff only."""
import base64
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from orders.services import order_refund
from tests.tickets.conftest import pay, place
from tickets.models import IssuedTicket
from tickets.qr import issued_ticket_token
from tickets.tokens import ticket_token_verify

pytestmark = pytest.mark.django_db


def test_check_in_key_lets_a_gate_verify_tickets_offline(gates, catalog, paid_order):
    response = gates["agent"].get(f"/stores/event/{catalog.event.pk}/check_in_key/")
    assert response.status_code == 200
    body = response.json()
    assert body["algorithm"] == "Ed25519" and body["keys"][0]["current"] is True
    ticket = IssuedTicket.objects.filter(order=paid_order).first()
    claims = ticket_token_verify(issued_ticket_token(ticket), [base64.b64decode(body["public_key"])])
    assert claims.ticket_id == ticket.pk and claims.key_id == body["key_id"]


def test_check_in_key_lists_retired_keys_after_rotation(gates, catalog, settings):
    retired = gates["owner"].get(f"/stores/event/{catalog.event.pk}/check_in_key").json()
    settings.TICKET_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()
    settings.TICKET_VERIFY_KEYS = [retired["public_key"]]
    body = gates["owner"].get(f"/stores/event/{catalog.event.pk}/check_in_key/").json()
    assert body["key_id"] != retired["key_id"]
    assert [(k["key_id"], k["current"]) for k in body["keys"]] == [(body["key_id"], True),
                                                                   (retired["key_id"], False)]


@pytest.mark.parametrize("path", ["check_in_key", "check_in_list"])
def test_gate_endpoints_are_404_for_other_stores_and_401_anonymous(api, gates, catalog, path):
    assert gates["other_agent"].get(f"/stores/event/{catalog.event.pk}/{path}/").status_code == 404
    assert api.get(f"/stores/event/{catalog.event.pk}/{path}/").status_code == 401
    assert gates["owner"].get(f"/stores/event/{catalog.event.pk}/{path}/").status_code == 200


def test_check_in_list_gives_issued_checked_in_and_void_ids(api, gates, catalog, paid_order):
    other = pay(place(api, (catalog.regular, 1)), reference="PAY-2")
    first = IssuedTicket.objects.filter(order=paid_order).first()
    gates["agent"].post("/stores/check_in/", {"code": str(first.pk)}, format="json")
    order_refund(order_id=other.pk)
    body = gates["agent"].get(f"/stores/event/{catalog.event.pk}/check_in_list/").json()
    assert sorted(body["issued"]) == sorted(str(pk) for pk in IssuedTicket.objects.filter(order=paid_order)
                                            .values_list("pk", flat=True))
    assert body["checked_in"] == [str(first.pk)]
    assert body["void"] == [str(IssuedTicket.objects.get(order=other).pk)]


def test_check_in_list_is_incremental_with_since(api, gates, catalog, paid_order):
    url = f"/stores/event/{catalog.event.pk}/check_in_list/"
    IssuedTicket.objects.update(updated=timezone.now() - timedelta(hours=1))
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    assert gates["agent"].get(url, {"since": since}).json()["issued"] == []
    changed = IssuedTicket.objects.filter(order=paid_order).first()
    gates["agent"].post("/stores/check_in/", {"code": str(changed.pk)}, format="json")
    body = gates["agent"].get(url, {"since": since}).json()
    assert body["issued"] == body["checked_in"] == [str(changed.pk)] and body["void"] == []
    assert datetime.fromisoformat(body["next_since"]) < timezone.now()
    assert gates["agent"].get(url, {"since": "yesterday"}).status_code == 400
