from django.db.models.functions import Coalesce
from django_filters import rest_framework as filters

from mookh.core.filters import BooleanFilter, FilterSet, IsoDateTimeFilter
from stores.models import Album, Event, Schedule, Store, Ticket


class StoreFilter(FilterSet):
    store_type = filters.UUIDFilter(field_name="store_type_id")

    class Meta:
        model = Store
        fields = ("country", "default_currency", "is_active", "store_type")


class EventFilter(FilterSet):
    store = filters.UUIDFilter(field_name="store_id")
    category = filters.UUIDFilter(field_name="event_category_id")
    published = BooleanFilter(field_name="is_published")
    private = BooleanFilter(field_name="is_private")
    parent = filters.UUIDFilter(field_name="parent_event_id")
    top_level = BooleanFilter(field_name="parent_event", lookup_expr="isnull",
                              label="Only events that are not sub-events")
    date_from = IsoDateTimeFilter(method="filter_date_from", label="Events still running at or after this time")
    date_to = IsoDateTimeFilter(field_name="start_date", lookup_expr="lte",
                                        label="Events starting at or before this time")

    class Meta:
        model = Event
        fields = ("store", "category", "published", "private", "parent", "top_level", "date_from", "date_to")

    def filter_date_from(self, queryset, name, value):
        return queryset.alias(runs_until=Coalesce("end_date", "start_date")).filter(runs_until__gte=value)


class TicketFilter(FilterSet):
    event = filters.UUIDFilter(field_name="event_id")
    store = filters.UUIDFilter(field_name="event__store_id")
    schedule = filters.UUIDFilter(field_name="schedule_id")
    published = BooleanFilter(field_name="is_published")

    class Meta:
        model = Ticket
        fields = ("event", "store", "schedule", "published")


class ScheduleFilter(FilterSet):
    event = filters.UUIDFilter(field_name="event_id")
    store = filters.UUIDFilter(field_name="event__store_id")

    class Meta:
        model = Schedule
        fields = ("event", "store")


class AlbumFilter(FilterSet):
    store = filters.UUIDFilter(field_name="store_id")
    category = filters.UUIDFilter(field_name="category_id")
    media_type = filters.UUIDFilter(field_name="media_type_id")
    media_type_name = filters.CharFilter(field_name="media_type__name", lookup_expr="iexact")
    published = BooleanFilter(field_name="is_published")

    class Meta:
        model = Album
        fields = ("store", "category", "media_type", "media_type_name", "published")
