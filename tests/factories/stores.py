from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from stores.models import (
    Album, Category, Event, EventCategory, MediaFile, MediaType, Schedule, Store, StoreAgent, StoreType, Ticket,
)
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
    store_contacts = factory.LazyFunction(lambda: {"emails": ["shop@example.com"], "phone_numbers": []})


class StoreAgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreAgent

    store = factory.SubFactory(StoreFactory)
    user = factory.SubFactory(UserFactory, roles=["store_agent"])


class EventCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventCategory

    category_name = factory.Sequence(lambda n: f"Category {n}")
    event_label = "conference"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    store = factory.SubFactory(StoreFactory)
    event_category = factory.SubFactory(EventCategoryFactory)
    event_name = factory.Sequence(lambda n: f"Event {n}")
    event_venue = "Nairobi"
    event_description = "An event."
    start_date = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    is_published = False


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Slot {n}")
    start = factory.LazyAttribute(lambda o: o.event.start_date)
    end = factory.LazyAttribute(lambda o: o.event.start_date + timedelta(hours=2))


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    event = factory.SubFactory(EventFactory)
    ticket_name = factory.Sequence(lambda n: f"Ticket {n}")
    quantity = 100
    ticket_value = Decimal("1000.00")
    prices = factory.LazyFunction(lambda: {"KES": "1000.00"})
    is_published = False


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
    description = "Songs."
    authors = factory.LazyFunction(lambda: ["Mtiaji"])
    prices = factory.LazyFunction(lambda: {"KES": "800.00"})
    is_published = False


class MediaFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaFile

    album = factory.SubFactory(AlbumFactory)
    title = factory.Sequence(lambda n: f"Track {n}")
    file = factory.django.FileField(filename="track.mp3", data=b"ID3 not really an mp3")
    content_type = "audio/mpeg"
    size = 21
