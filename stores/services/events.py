"""Events (with sub-events) and their schedules."""
import logging

from django.db import transaction

from mookh.core.errors import InvalidInput
from stores.errors import CatalogObjectInUse
from stores.inventory import tickets_lock
from stores.models import Event, Schedule, Store, Ticket
from stores.services.guards import attributes_set, object_delete, store_field_check, store_manage_require

logger = logging.getLogger(__name__)


def _event_dates_check(start_date, end_date) -> None:
    if start_date and end_date and end_date < start_date:
        raise InvalidInput({"end_date": "The event cannot end before it starts."}, code="ends_before_start")


def _parent_event_check(*, event: Event | None, store: Store, parent: Event) -> None:
    """Same store, and no cycle. The caller holds the store's row lock, so hierarchies change one at a time."""
    if parent.store_id != store.pk:
        raise InvalidInput({"parent_event_id": "Choose an event of the same store."}, code="parent_other_store")
    if event is None:
        return
    ancestor_id, seen = parent.pk, set()
    while ancestor_id is not None and ancestor_id not in seen:
        if ancestor_id == event.pk:
            raise InvalidInput({"parent_event_id": "An event cannot be a sub-event of itself or of its sub-events."},
                               code="parent_cycle")
        seen.add(ancestor_id)
        ancestor_id = Event.objects.filter(pk=ancestor_id).values_list("parent_event_id", flat=True).first()


def _store_lock(store: Store) -> None:
    Store.objects.select_for_update().only("pk").get(pk=store.pk)


@transaction.atomic
def event_create(*, actor, store: Store, event_category, event_name: str, event_description: str,
                 start_date, parent_event: Event | None = None, **fields) -> Event:
    store_field_check(actor=actor, store=store, field="store_fk")
    _event_dates_check(start_date, fields.get("end_date"))
    if parent_event is not None:
        _store_lock(store)
        _parent_event_check(event=None, store=store, parent=parent_event)
    event = Event.objects.create(store=store, event_category=event_category, event_name=event_name,
                                 event_description=event_description, start_date=start_date,
                                 parent_event=parent_event, **fields)
    logger.info("event %s created in store %s", event.pk, store.pk)
    return event


@transaction.atomic
def event_update(*, event: Event, actor, **fields) -> Event:
    store_manage_require(actor=actor, store=event.store)
    store = fields.pop("store", event.store)
    if store.pk != event.store_id:
        raise InvalidInput({"store_fk": "An event cannot move to another store."}, code="store_immutable")
    _event_dates_check(fields.get("start_date", event.start_date), fields.get("end_date", event.end_date))
    parent = fields.get("parent_event")
    if parent is not None and parent.pk != event.parent_event_id:
        _store_lock(event.store)
        _parent_event_check(event=event, store=event.store, parent=parent)
    attributes_set(event, fields)
    event.save()
    return event


@transaction.atomic
def event_delete(*, event: Event, actor) -> None:
    store_manage_require(actor=actor, store=event.store)
    if any(row.sold or row.reserved for row in tickets_lock(Ticket.objects.filter(event=event))):
        raise CatalogObjectInUse("Tickets of this event were sold or are reserved; unpublish it instead.")
    object_delete(event)


def _schedule_times_check(start, end) -> None:
    if start and end and end < start:
        raise InvalidInput({"end": "The schedule cannot end before it starts."}, code="ends_before_start")


@transaction.atomic
def schedule_create(*, actor, event: Event, **fields) -> Schedule:
    store_field_check(actor=actor, store=event.store, field="event_fk")
    _schedule_times_check(fields.get("start"), fields.get("end"))
    return Schedule.objects.create(event=event, **fields)


@transaction.atomic
def schedule_update(*, schedule: Schedule, actor, **fields) -> Schedule:
    store_manage_require(actor=actor, store=schedule.event.store)
    event = fields.pop("event", schedule.event)
    if event.pk != schedule.event_id:
        raise InvalidInput({"event_fk": "A schedule cannot move to another event."}, code="event_immutable")
    _schedule_times_check(fields.get("start", schedule.start), fields.get("end", schedule.end))
    attributes_set(schedule, fields)
    schedule.save()
    return schedule


def schedule_delete(*, schedule: Schedule, actor) -> None:
    store_manage_require(actor=actor, store=schedule.event.store)
    object_delete(schedule)
