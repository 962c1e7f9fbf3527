"""Catalog reads: who may see which store's objects, storefront listings, event statistics."""
import hmac
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import BooleanField, Case, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from mookh.core.currency import CENT
from stores.models import (
    Album, Event, MediaFile, Schedule, Store, StoreAgent, StoreAgentInvitation, StoreApiKey, Ticket,
)
from users.selectors import user_is_super_admin


@dataclass(frozen=True)
class CatalogAccess:
    """The stores a user works for: `owned` ones they manage, `staffed` ones (owned + agent of) they read."""

    everything: bool
    owned: frozenset
    staffed: frozenset

    def can_read(self, store_id) -> bool:
        return self.everything or store_id in self.staffed

    def can_manage(self, store_id) -> bool:
        return self.everything or store_id in self.owned


def catalog_access(user) -> CatalogAccess:
    if not user or not user.is_authenticated:
        return CatalogAccess(everything=False, owned=frozenset(), staffed=frozenset())
    if user_is_super_admin(user):
        return CatalogAccess(everything=True, owned=frozenset(), staffed=frozenset())
    rows = Store.objects.filter(Q(owner=user) | Q(agents__user=user)).values_list("id", "owner_id").distinct()
    owned = frozenset(store_id for store_id, owner_id in rows if owner_id == user.pk)
    return CatalogAccess(everything=False, owned=owned, staffed=frozenset(store_id for store_id, _ in rows))


def user_owns_store(user, store) -> bool:
    """Owners manage their stores; super admins manage every store."""
    if not user or not user.is_authenticated:
        return False
    return store.owner_id == user.pk or user_is_super_admin(user)


def _staffed_q(user, store_path: str) -> Q | None:
    """Rows whose store (reached through `store_path`, "" for stores) the user owns or works at.

    None means every row (super admins)."""
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    if user_is_super_admin(user):
        return None
    agent_stores = StoreAgent.objects.filter(user=user).values("store_id")
    prefix = f"{store_path}__" if store_path else ""
    return Q(**{f"{prefix}owner": user}) | Q(**{f"{store_path or 'pk'}__in": agent_stores})


def _scoped(queryset: QuerySet, user, store_path: str, public: Q | None = None) -> QuerySet:
    staffed = _staffed_q(user, store_path)
    if staffed is None:
        return queryset
    return queryset.filter(staffed | public if public is not None else staffed)


def _published_event_q(prefix: str = "", *, include_private: bool = False) -> Q:
    q = Q(**{f"{prefix}is_published": True, f"{prefix}store__is_active": True})
    if not include_private:
        q &= Q(**{f"{prefix}is_private": False})
    return q


# --- stores and agents ---

def stores_visible_to(user) -> QuerySet[Store]:
    return _scoped(Store.objects.select_related("store_type"), user, "")


def user_staffs_any_store(user) -> bool:
    """Owners and agents of at least one store, and super admins (who staff every store)."""
    staffed = _staffed_q(user, "")
    return staffed is None or Store.objects.filter(staffed).exists()


def store_agents_of(store) -> QuerySet[StoreAgent]:
    return StoreAgent.objects.filter(store=store).select_related("user", "store")


def store_agent_find(*, store, key) -> StoreAgent | None:
    """An agent of `store` by the agent row's id or by the user's id."""
    return store_agents_of(store).filter(Q(pk=key) | Q(user_id=key)).first()


def agent_invitations_pending_for(user) -> QuerySet[StoreAgentInvitation]:
    """Invitations addressed to a signed-in, verified user's email that they can still accept."""
    if not user or not user.is_authenticated or not user.is_verified:
        return StoreAgentInvitation.objects.none()
    return (StoreAgentInvitation.objects
            .filter(email=user.email.lower(), status=StoreAgentInvitation.Status.PENDING,
                    expires_at__gt=timezone.now())
            .select_related("store", "invited_by"))


# --- API keys ---

# Compared against when no key has the app id, so that an unknown id costs the same as a wrong token.
_NO_KEY_DIGEST = StoreApiKey.digest("no such key")
APP_ID_MAX_LENGTH = 64
APP_TOKEN_MAX_LENGTH = 128


def store_api_keys_of(store) -> QuerySet[StoreApiKey]:
    """The store's keys that still work, newest first."""
    return store.api_keys.filter(revoked_at__isnull=True).select_related("created_by").order_by("-created", "pk")


def store_api_key_authenticate(*, app_id: str, app_token: str) -> StoreApiKey | None:
    """The working key with this app id and token, of an active store whose owner is active, else None.

    The token's digest is compared in constant time whether or not the app id exists."""
    key = None
    if 0 < len(app_id) <= APP_ID_MAX_LENGTH:
        key = (StoreApiKey.objects.select_related("store__owner")
               .filter(app_id=app_id, revoked_at__isnull=True).first())
    given = StoreApiKey.digest(app_token[:APP_TOKEN_MAX_LENGTH + 1])
    matches = hmac.compare_digest(key.token_digest if key else _NO_KEY_DIGEST, given)
    if not (matches and key and len(app_token) <= APP_TOKEN_MAX_LENGTH):
        return None
    if not (key.store.is_active and key.store.owner.is_active):
        return None
    return key


# --- events ---

def event_details(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Everything the event representation reads, in a fixed number of queries."""
    return queryset.select_related("store__store_type", "event_category").prefetch_related(
        Prefetch("tickets", queryset=Ticket.objects.select_related("schedule")),
        Prefetch("schedules", queryset=Schedule.objects.all()),
        Prefetch("sub_events", queryset=Event.objects.order_by("start_date", "created")),
    )


def events_staffed_by(user) -> QuerySet[Event]:
    return _scoped(Event.objects.all(), user, "store")


def events_visible_to(user, *, include_private: bool = False) -> QuerySet[Event]:
    """Events of the user's stores plus published ones (private ones only when asked for by id)."""
    return _scoped(Event.objects.all(), user, "store", _published_event_q(include_private=include_private))


def events_public() -> QuerySet[Event]:
    """The storefront: published, non-private events of active stores, upcoming (and running) first."""
    ended = Q(**{"ends_at__lt": timezone.now()})
    return (
        Event.objects.filter(_published_event_q())
        .alias(ends_at=Coalesce("end_date", "start_date"))
        .annotate(is_past=Case(When(ended, then=Value(True)), default=Value(False), output_field=BooleanField()))
        .order_by("is_past", "start_date", "created")
    )


# --- tickets and schedules ---

def tickets_staffed_by(user) -> QuerySet[Ticket]:
    return _scoped(Ticket.objects.select_related("event__store", "schedule"), user, "event__store")


def tickets_visible_to(user, *, include_private: bool = False) -> QuerySet[Ticket]:
    public = Q(is_published=True) & _published_event_q("event__", include_private=include_private)
    return _scoped(Ticket.objects.select_related("event__store", "schedule"), user, "event__store", public)


SALE_CLOSED_MESSAGES = {
    "not_published": "This item is not on sale.",
    "sales_not_started": "This item is not on sale: sales have not started.",
    "sales_ended": "This item is not on sale: sales have ended.",
    "event_ended": "This item is not on sale: the event has ended.",
}


def item_unit_price(item: Ticket | Album, currency: str) -> Decimal | None:
    """A ticket type's or album's price in `currency`, or None when it is not priced in it.

    A ticket's `ticket_value` is its price in the store's currency. Reads `ticket.event.store`.
    """
    value = (item.prices or {}).get(currency)
    if value not in (None, ""):
        return Decimal(str(value)).quantize(CENT)
    if isinstance(item, Ticket) and currency == item.event.store.default_currency:
        return item.ticket_value
    return None


def event_ends_at(event: Event) -> datetime:
    """When an event is over: its `end_date`; without one, the end of the day it starts on, in its
    store's time zone (an evening concert still sells at the gate until midnight, not the next day).
    Reads `event.store`."""
    if event.end_date:
        return event.end_date
    zone = ZoneInfo(event.store.time_zone)
    try:
        start_day = event.start_date.astimezone(zone).date()
        return datetime.combine(start_day + timedelta(days=1), time.min, tzinfo=zone)
    except OverflowError:  # a start at the very end of the calendar: it never ends
        return datetime.max.replace(tzinfo=dt_timezone.utc)


def ticket_sale_closed_reason(ticket: Ticket, *, now) -> str | None:
    """Why `ticket` cannot be sold at `now`, or None when it is on sale (units left aside).

    "not_published" (the ticket or its event unpublished, or the store inactive), "sales_not_started",
    "sales_ended", or "event_ended" (see `event_ends_at`; whatever `sales_end` says). Reads
    `ticket.event.store`: load tickets with select_related("event__store").
    """
    event = ticket.event
    if not (ticket.is_published and event.is_published and event.store.is_active):
        return "not_published"
    if ticket.sales_start and now < ticket.sales_start:
        return "sales_not_started"
    if ticket.sales_end and now > ticket.sales_end:
        return "sales_ended"
    if now >= event_ends_at(event):
        return "event_ended"
    return None


def ticket_is_available(ticket: Ticket, *, now=None) -> bool:
    """On sale now (see `ticket_sale_closed_reason`) and not sold out."""
    return ticket_sale_closed_reason(ticket, now=now or timezone.now()) is None and ticket.tickets_available > 0


def schedules_staffed_by(user) -> QuerySet[Schedule]:
    return _scoped(Schedule.objects.select_related("event"), user, "event__store")


def schedules_visible_to(user, *, include_private: bool = False) -> QuerySet[Schedule]:
    public = _published_event_q("event__", include_private=include_private)
    return _scoped(Schedule.objects.select_related("event"), user, "event__store", public)


# --- digital content ---

def _album_details(queryset: QuerySet[Album]) -> QuerySet[Album]:
    return queryset.select_related("store", "category", "media_type").prefetch_related(
        Prefetch("media_files", queryset=MediaFile.objects.all())
    )


def albums_staffed_by(user) -> QuerySet[Album]:
    return _album_details(_scoped(Album.objects.all(), user, "store"))


def albums_visible_to(user) -> QuerySet[Album]:
    public = Q(is_published=True, store__is_active=True)
    return _album_details(_scoped(Album.objects.all(), user, "store", public))


def album_on_sale(album: Album) -> bool:
    """Albums have no sales window: on sale when published in an active store."""
    return album.is_published and album.store.is_active


def media_files_of(album) -> QuerySet[MediaFile]:
    return MediaFile.objects.filter(album=album)


# --- statistics ---

def event_statistics(event_ids, *, public: bool = False) -> dict:
    """Ticket counts per event, in one query whatever the number of events.

    Returns {event_id: {tickets_count_by_category, total_event_tickets}}; the sales figures
    come from the apps that own them (event_staff_statistics). For the store's staff each entry
    of `tickets_count_by_category` is `id, ticket_name, quantity, sold, reserved, available`.
    `public` is what anyone else may see: published ticket types only, each with `id,
    ticket_name, available` (how much sold or is held in unpaid orders is the store's business).
    """
    event_ids = list(dict.fromkeys(event_ids))
    stats = {event_id: {"tickets_count_by_category": [], "total_event_tickets": None} for event_id in event_ids}
    tickets = Ticket.objects.filter(event_id__in=event_ids).order_by("created", "pk")
    if public:
        tickets = tickets.filter(is_published=True)
    for row in tickets.values("id", "event_id", "ticket_name", "quantity", "sold", "reserved"):
        entry = stats[row["event_id"]]
        counts = {"id": row["id"], "ticket_name": row["ticket_name"],
                  "available": max(row["quantity"] - row["sold"] - row["reserved"], 0)}
        if not public:
            counts.update(quantity=row["quantity"], sold=row["sold"], reserved=row["reserved"])
        entry["tickets_count_by_category"].append(counts)
        entry["total_event_tickets"] = (entry["total_event_tickets"] or 0) + row["quantity"]
    return stats


def event_staff_statistics(event_ids) -> dict:
    """The figures apps above the catalog own (sales, issued tickets by status), for the store's
    staff: what every EVENT_STATISTICS_PROVIDERS callable returns, merged per event."""
    stats: dict = {event_id: {} for event_id in event_ids}
    for path in settings.EVENT_STATISTICS_PROVIDERS:
        for event_id, figures in import_string(path)(event_ids).items():
            stats[event_id].update(figures)
    return stats
