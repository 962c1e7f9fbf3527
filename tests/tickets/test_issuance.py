"""On PAID: one ticket per unit, attendees from ticket_names, album links; never twice."""
import pytest
from django.db import IntegrityError, transaction

from notifications.models import OutboxMessage
from orders.models import OrderStatus
from orders.services import order_mark_paid
from tests.tickets.conftest import pay, place
from tickets.models import IssuedTicket
from tickets.services import tickets_issue

pytestmark = pytest.mark.django_db


def _mixed(api, catalog):
    return place(api, {"item_id": str(catalog.vvip.pk), "type_name": "store.ticket", "item_quantity": 2,
                       "ticket_names": ["Amina Njeri", "Otieno Kamau", "Extra Name"]},
                 {"item_id": str(catalog.regular.pk), "type_name": "store.ticket", "item_quantity": 3,
                  "ticket_names": ["", "Wanjiru"]},
                 (catalog.album, 1))


def test_paid_mixed_order_issues_one_ticket_per_unit_when_tickets_and_album(api, catalog):
    order = pay(_mixed(api, catalog))
    tickets = IssuedTicket.objects.filter(order=order)
    assert tickets.count() == 5
    assert tickets.filter(ticket=catalog.vvip).count() == 2 and tickets.filter(ticket=catalog.regular).count() == 3
    assert set(tickets.values_list("status", flat=True)) == {"VALID"}
    assert set(tickets.values_list("event_id", flat=True)) == {catalog.event.pk}


def test_attendees_follow_ticket_names_when_some_missing(api, catalog):
    order = pay(_mixed(api, catalog))
    names = lambda ticket: list(IssuedTicket.objects.filter(order=order, ticket=ticket)  # noqa: E731
                                .order_by("sequence").values_list("attendee", flat=True))
    assert names(catalog.vvip) == ["Amina Njeri", "Otieno Kamau"]  # only the first item_quantity names
    assert names(catalog.regular) == ["Jane Doe", "Wanjiru", "Jane Doe"]  # blank or missing: the customer


def test_nothing_issued_when_order_not_paid(api, catalog):
    order = _mixed(api, catalog)
    assert tickets_issue(order=order) == 0
    assert not IssuedTicket.objects.exists()
    body = api.get(f"/stores/orders/{order.pk}/").json()
    assert [(line.get("ticket_url"), line.get("ticket_files")) for line in body["order_detail"][:2]] == \
        [(None, []), (None, [])]
    assert body["order_detail"][2]["media_files"] == []


def test_issuance_is_idempotent_when_paid_twice_or_called_again(api, catalog):
    order = pay(_mixed(api, catalog))
    ids = set(IssuedTicket.objects.values_list("pk", flat=True))
    order_mark_paid(order_id=order.pk)
    assert tickets_issue(order=order) == 0
    assert set(IssuedTicket.objects.values_list("pk", flat=True)) == ids


def test_database_refuses_a_second_ticket_for_the_same_unit(api, paid_order):
    first = IssuedTicket.objects.filter(order=paid_order).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedTicket.objects.create(order=paid_order, order_line=first.order_line, sequence=first.sequence,
                                    ticket=first.ticket, event=first.event, attendee="Copy", issued_at=first.issued_at)


def test_ticket_ids_are_random_uuid4(paid_order):
    ids = list(IssuedTicket.objects.values_list("pk", flat=True))
    assert len(set(ids)) == len(ids) == 3 and all(ticket_id.version == 4 for ticket_id in ids)


def test_order_lines_show_ticket_url_files_and_media_links_once_paid(api, catalog):
    order = pay(_mixed(api, catalog))
    lines = api.get(f"/stores/orders/{order.pk}/").json()["order_detail"]
    vvip, regular, album = lines
    assert vvip["ticket_url"].startswith(f"http://testserver/stores/orders/{order.pk}/tickets/?line=")
    assert [(f["attendee"], f["status"]) for f in vvip["ticket_files"]] == [("Amina Njeri", "VALID"),
                                                                            ("Otieno Kamau", "VALID")]
    first = vvip["ticket_files"][0]
    assert first["url"] == f"http://testserver/stores/orders/{order.pk}/tickets/{first['id']}/"
    assert first["qr_url"] == f"http://testserver/stores/orders/{order.pk}/tickets/{first['id']}/qr.png"
    assert len(regular["ticket_files"]) == 3
    assert [f["title"] for f in album["media_files"]] == ["Intro", "Outro"]
    download = api.get(album["media_files"][0]["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"ID3 not really an mp3"


def test_paid_email_lists_tickets_and_downloads(api, catalog):
    order = pay(_mixed(api, catalog))
    email = OutboxMessage.objects.get(template="order_paid", channel="email")
    tickets, downloads = email.context["tickets"], email.context["downloads"]
    assert [(t["ticket_name"], t["attendee"]) for t in tickets][:2] == [("VVIP", "Amina Njeri"),
                                                                         ("VVIP", "Otieno Kamau")]
    assert len(tickets) == 5 and all(f"/stores/orders/{order.pk}/tickets/" in t["url"] for t in tickets)
    assert [d["title"] for d in downloads] == ["Currency track: Intro", "Currency track: Outro"]
    assert all("/stores/media/download/" in d["url"] for d in downloads)


def test_order_reads_stay_at_fixed_query_count_when_paid(api, catalog, django_assert_max_num_queries):
    order = pay(_mixed(api, catalog))
    with django_assert_max_num_queries(6):  # the order, its lines and their items, attempts, refunds
        response = api.get(f"/stores/orders/{order.pk}/")
    assert response.status_code == 200 and order.status == OrderStatus.PAID


def test_cash_sale_at_the_gate_answers_with_its_tickets(catalog):
    from tests.conftest import client_for
    from tests.orders.conftest import order_body

    body = order_body({"item_id": str(catalog.regular.pk), "type_name": "store.ticket", "item_quantity": 2,
                       "ticket_names": ["Walk In"]}, payment_method="CASH", is_gate_purchase=True)
    response = client_for(catalog.agent).post("/stores/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    line = response.json()["order_detail"][0]
    assert [f["attendee"] for f in line["ticket_files"]] == ["Walk In", "Jane Doe"] and line["ticket_url"]


def test_order_list_queries_do_not_grow_with_paid_orders(api, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import client_for

    owner = client_for(catalog.owner)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert owner.get("/stores/orders/").status_code == 200
        return len(queries)

    pay(_mixed(api, catalog), reference="A")
    one = count()
    for reference in ("B", "C"):
        pay(_mixed(api, catalog), reference=reference)
    assert count() == one
