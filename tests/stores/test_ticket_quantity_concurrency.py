"""Lowering a quantity while an order reserves units: the database decides, never a stale read."""
import threading

import pytest
from django.db import close_old_connections, connection, transaction

from mookh.core.errors import InvalidInput
from stores import services
from stores.inventory import tickets_reserve
from stores.models import Ticket
from tests.factories.stores import EventFactory, StoreFactory, TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_quantity_lowering_refused_when_a_concurrent_reservation_commits_first():
    store = StoreFactory()
    ticket = TicketFactory(event=EventFactory(store=store), quantity=100, sold=90)
    reserved, release = threading.Event(), threading.Event()

    def reserve_ten_and_hold():
        try:
            with transaction.atomic():
                tickets_reserve(quantities={ticket.pk: 10})
                reserved.set()
                release.wait(timeout=5)
        finally:
            close_old_connections()
            connection.close()

    worker = threading.Thread(target=reserve_ten_and_hold)
    worker.start()
    assert reserved.wait(timeout=5)
    # The reservation is not committed yet: a read-then-write check would see 90 taken and allow 95.
    threading.Timer(0.3, release.set).start()
    with pytest.raises(InvalidInput) as refused:
        services.ticket_update(ticket=Ticket.objects.select_related("event__store").get(pk=ticket.pk),
                               actor=store.owner, quantity=95)
    worker.join(timeout=5)
    assert "quantity" in refused.value.fields
    ticket.refresh_from_db()
    assert (ticket.quantity, ticket.sold, ticket.reserved) == (100, 90, 10)
