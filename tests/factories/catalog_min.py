"""Minimal catalog rows for the promotions tests (stores, events, ticket types, albums)."""
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from stores.models import Album, Category, Event, EventCategory, MediaType, Store, StoreType, Ticket
from tests.factories.users import UserFactory


class StoreTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreType
        django_get_or_create = ("name",)

    name = "events"


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    store_name = factory.Sequence(lambda n: f"Store {n}")
    store_type = factory.SubFactory(StoreTypeFactory)
    owner = factory.SubFactory(UserFactory, roles=["store_owner"])
    country = "KE"
    default_currency = "KES"


class EventCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventCategory

    category_name = factory.Sequence(lambda n: f"Category {n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    store = factory.SubFactory(StoreFactory)
    event_category = factory.SubFactory(EventCategoryFactory)
    event_name = factory.Sequence(lambda n: f"Event {n}")
    event_description = "An event"
    start_date = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    is_published = True


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    event = factory.SubFactory(EventFactory)
    ticket_name = factory.Sequence(lambda n: f"Ticket {n}")
    ticket_value = Decimal("1000.00")
    prices = factory.LazyAttribute(lambda t: {"KES": str(t.ticket_value)})
    quantity = 100
    is_published = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Genre {n}")


class MediaTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaType
        django_get_or_create = ("name",)

    name = "ALBUM"


class AlbumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Album

    store = factory.SubFactory(StoreFactory)
    category = factory.SubFactory(CategoryFactory)
    media_type = factory.SubFactory(MediaTypeFactory)
    name = factory.Sequence(lambda n: f"Album {n}")
    prices = factory.LazyFunction(lambda: {"KES": "500.00", "USD": "4.00"})
    is_published = True
