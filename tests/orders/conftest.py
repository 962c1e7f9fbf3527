from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from stores.models import Album, Category, Event, EventCategory, MediaType, Store, StoreAgent, StoreType, Ticket
from tests.factories import UserFactory


class Catalog:
    """A published store with an owner, an agent, an event with two ticket types and an album."""

    def __init__(self):
        self.owner = UserFactory(roles=["store_owner"])
        self.agent = UserFactory(roles=["store_agent"], phone_number="+254711000111")
        self.store = store_create(owner=self.owner, name="Western Digital")
        StoreAgent.objects.create(store=self.store, user=self.agent)
        self.category = EventCategory.objects.create(category_name="Concerts", event_label="music")
        self.event = Event.objects.create(
            store=self.store, event_category=self.category, event_name="Mseto Music Show", event_venue="Nairobi",
            event_description="music concert", start_date=timezone.now() + timedelta(days=30), is_published=True,
        )
        self.vvip = ticket_create(self.event, "VVIP", "4500.00", quantity=50, allow_pay_later=True)
        self.regular = ticket_create(self.event, "Regular", "1000.00", quantity=500)
        self.album = Album.objects.create(
            store=self.store, category=Category.objects.get_or_create(name="HipHop")[0],
            media_type=MediaType.objects.get_or_create(name="ALBUM")[0], name="Currency track",
            description="<p>Awesome</p>", authors=["mtiaji"], prices={"KES": "1000.00", "USD": "8.00"},
            is_published=True,
        )


def store_create(*, owner, name="Another store", country="KE", currency="KES") -> Store:
    store_type = StoreType.objects.get_or_create(name="events")[0]
    return Store.objects.create(store_name=name, store_type=store_type, owner=owner, country=country,
                                default_currency=currency)


def ticket_create(event, name, price, *, quantity, **fields) -> Ticket:
    return Ticket.objects.create(event=event, ticket_name=name, ticket_description=f"Ticket for {name}.",
                                 prices={event.store.default_currency: price}, ticket_value=Decimal(price),
                                 quantity=quantity, is_published=True, **fields)


@pytest.fixture
def catalog(db):
    return Catalog()


CUSTOMER = {"name": "Jane Doe", "email": "jane@doe.com", "phone_number": "+254720111222"}


def order_body(*lines, **fields) -> dict:
    """A v2 order request: `lines` are (item, quantity) pairs or ready dicts."""
    detail = []
    for line in lines:
        if isinstance(line, dict):
            detail.append(line)
            continue
        item, quantity = line
        detail.append({"item_id": str(item.pk), "type_name": item.TYPE_NAME, "item_quantity": quantity})
    return {"currency": "KES", "payment_method": "MOBILE", "response_type": "json", "customer": dict(CUSTOMER),
            "order_detail": detail, **fields}
