"""Deleting a ticket type, an event or an album that an order points at is a 409 `in_use`, never a 500:
also when the order commits while the delete is under way."""
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from orders.models import Order, OrderLine
from stores.models import Album, Event, Ticket
from tests.conftest import client_for
from tests.factories.stores import AlbumFactory, EventFactory, StoreFactory, TicketFactory

WAIT = 5


def order_line_for(item) -> OrderLine:
    """An order of one unit of `item` (a ticket type or an album), written as order placement writes it."""
    store = item.event.store if isinstance(item, Ticket) else item.store
    order = Order.objects.create(
        order_number=f"{Order.objects.count() + 1:06d}", currency="KES", payment_method="MOBILE",
        customer_name="Jane Doe", customer_email="jane@doe.com", customer_phone="+254720111222",
        order_amount=Decimal("1000.00"), expires_at=timezone.now() + timedelta(minutes=15),
    )
    return OrderLine.objects.create(
        order=order, type_name=item.TYPE_NAME, store=store, name="Item", item_quantity=1,
        unit_price=Decimal("1000.00"), selling_price=Decimal("1000.00"),
        **({"ticket": item} if isinstance(item, Ticket) else {"album": item}),
    )


def delete_path(item) -> str:
    return {Ticket: "/stores/tickets/", Event: "/stores/event/", Album: "/stores/album/"}[type(item)] + f"{item.id}/"


@pytest.mark.django_db
@pytest.mark.parametrize("make_item", [
    lambda store: TicketFactory(event=EventFactory(store=store)),
    lambda store: AlbumFactory(store=store),
], ids=["ticket", "album"])
def test_delete_answers_409_in_use_when_an_order_line_points_at_the_item(owner, store, make_item):
    item = make_item(store)
    order_line_for(item)
    response = client_for(owner).delete(delete_path(item))
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "in_use"
    assert type(item).objects.filter(pk=item.pk).exists()


def _backends_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def _delete_while_an_order_commits(*, owner, target, ordered, lock_row):
    """An order for `ordered` is written but not committed, holding `ordered`'s row as placement would;
    the owner deletes `target` meanwhile; the order commits once the delete waits on that row."""
    written, commit = threading.Event(), threading.Event()
    outcome = {}

    def order_in_flight():
        try:
            with transaction.atomic():
                order_line_for(ordered)
                lock_row(ordered)
                written.set()
                commit.wait(timeout=WAIT)
        finally:
            close_old_connections()
            connection.close()

    def delete():
        try:
            outcome["response"] = client_for(owner).delete(delete_path(target))
        except Exception as exc:  # noqa: BLE001 (an unhandled error is what this test guards against)
            outcome["error"] = exc
        finally:
            close_old_connections()
            connection.close()

    placing = threading.Thread(target=order_in_flight)
    placing.start()
    assert written.wait(timeout=WAIT)
    deleting = threading.Thread(target=delete)
    deleting.start()
    deadline = time.monotonic() + WAIT
    while _backends_waiting_for_a_lock() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    commit.set()
    placing.join(timeout=WAIT)
    deleting.join(timeout=WAIT)
    assert "error" not in outcome, repr(outcome.get("error"))
    return outcome["response"]


def reserve_one(ticket):
    """Placement reserves units with a conditional UPDATE, which holds the ticket's row."""
    Ticket.objects.filter(pk=ticket.pk).update(reserved=F("reserved") + 1)


def hold_album(album):
    Album.objects.select_for_update().get(pk=album.pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["ticket", "event"])
def test_ticket_or_event_delete_answers_409_when_an_order_commits_while_it_runs(target):
    store = StoreFactory()
    ticket = TicketFactory(event=EventFactory(store=store))
    response = _delete_while_an_order_commits(owner=store.owner, target=ticket if target == "ticket" else ticket.event,
                                              ordered=ticket, lock_row=reserve_one)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "in_use"
    assert Ticket.objects.filter(pk=ticket.pk, reserved=1).exists()
    assert OrderLine.objects.filter(ticket=ticket).exists()


@pytest.mark.django_db(transaction=True)
def test_album_delete_answers_409_when_an_order_commits_while_it_runs():
    store = StoreFactory()
    album = AlbumFactory(store=store)
    response = _delete_while_an_order_commits(owner=store.owner, target=album, ordered=album, lock_row=hold_album)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "in_use"
    assert Album.objects.filter(pk=album.pk).exists()
