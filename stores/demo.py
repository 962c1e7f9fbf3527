"""Demo catalog for `make run`: runs after the users' demo, so the owner and agent accounts exist."""
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from stores import services
from stores.models import (
    Album, Category, Event, EventCategory, MediaType, Schedule, Store, StoreAgent, StoreType, Ticket,
)
from users.models import User

STORE_NAME = "Mookh Demo Events"
# (name, venue, days from now, length in hours, ticket types as (name, KES price, quantity))
EVENTS = [
    ("Nairobi Sounds Festival", "Uhuru Gardens, Nairobi", 21, 10,
     [("Regular", "1500.00", 500), ("VIP", "5000.00", 150)]),
    ("Color Run Nairobi", "Ngong Racecourse", 35, 5, [("Runner", "1000.00", 400)]),
    ("Tech Meetup Kampala", "Kampala Serena", 50, 4, [("Standard", "500.00", 100), ("Student", "200.00", 120)]),
]
SUB_EVENTS = [("Main Stage", 0, [("Main Stage Pass", "800.00", 300)]),
              ("Acoustic Tent", 3, [("Acoustic Pass", "600.00", 200)])]


def _event(*, owner, store, category, name, venue, starts, hours, parent=None) -> Event:
    event = Event.objects.filter(store=store, event_name=name).first()
    if event is None:
        event = services.event_create(
            actor=owner, store=store, event_category=category, event_name=name, event_venue=venue,
            event_description=f"{name} at {venue}.", start_date=starts, end_date=starts + timedelta(hours=hours),
            parent_event=parent, is_published=True,
        )
    return event


def _tickets(*, owner, event, ticket_types) -> None:
    for ticket_name, price, quantity in ticket_types:
        if not Ticket.objects.filter(event=event, ticket_name=ticket_name).exists():
            services.ticket_create(actor=owner, event=event, ticket_name=ticket_name, quantity=quantity,
                                   prices={"KES": Decimal(price)}, is_published=True, max_per_order=10)


def _store(owner, agent) -> Store:
    store = Store.objects.filter(owner=owner, store_name=STORE_NAME).first()
    if store is None:
        store_type, _ = StoreType.objects.get_or_create(name="events")
        store = services.store_create(
            actor=owner, store_name=STORE_NAME, store_type=store_type, country="KE",
            store_contacts={"emails": ["owner@mookh.local"], "phone_numbers": ["+254720000001"]},
        )
    if not StoreAgent.objects.filter(store=store, user=agent).exists():
        services.store_agent_add(store=store, user=agent)
    return store


def _events(owner, store) -> None:
    category, _ = EventCategory.objects.get_or_create(category_name="Music & Culture",
                                                      defaults={"event_label": "festival"})
    today = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0)
    for index, (name, venue, days, hours, ticket_types) in enumerate(EVENTS):
        starts = today + timedelta(days=days)
        event = _event(owner=owner, store=store, category=category, name=name, venue=venue, starts=starts,
                       hours=hours)
        _tickets(owner=owner, event=event, ticket_types=ticket_types)
        if index == 0:
            _festival_parts(owner=owner, store=store, category=category, festival=event)


def _festival_parts(*, owner, store, category, festival) -> None:
    for name, offset_hours, ticket_types in SUB_EVENTS:
        starts = festival.start_date + timedelta(hours=offset_hours)
        sub_event = _event(owner=owner, store=store, category=category, name=f"{festival.event_name}: {name}",
                           venue=festival.event_venue, starts=starts, hours=4, parent=festival)
        _tickets(owner=owner, event=sub_event, ticket_types=ticket_types)
    if not Schedule.objects.filter(event=festival).exists():
        services.schedule_create(actor=owner, event=festival, title="Gates open", start=festival.start_date,
                                 end=festival.start_date + timedelta(hours=1))


def _album(owner, store) -> None:
    category, _ = Category.objects.get_or_create(name="Afro Pop")
    if not Album.objects.filter(store=store, name="Nairobi Nights").exists():
        # The media types ALBUM, TRACK and EBOOK come with the migrations.
        services.album_create(actor=owner, store=store, media_type=MediaType.objects.get(name="ALBUM"),
                              category=category, name="Nairobi Nights", description="Ten tracks from the city.",
                              authors=["Mtiaji"], prices={"KES": Decimal("800.00")}, is_published=True)


def load(out):
    owner = User.objects.get(email="owner@mookh.local")
    agent = User.objects.get(email="agent@mookh.local")
    store = _store(owner, agent)
    _events(owner, store)
    _album(owner, store)
    events = Event.objects.filter(store=store).count()
    tickets = Ticket.objects.filter(event__store=store).count()
    out.write(f'Demo catalog: store "{STORE_NAME}" (owner@mookh.local, agent agent@mookh.local) with {events} '
              f"published events (one with 2 sub-events and a schedule), {tickets} ticket types in KES and the "
              'album "Nairobi Nights".')
