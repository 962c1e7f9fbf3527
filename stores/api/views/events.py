"""Events (staff CRUD and the public storefront), schedules and ticket types."""
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticatedOrReadOnly

from stores import services
from stores.api import serializers as s
from stores.api.filters import EventFilter, ScheduleFilter, TicketFilter
from stores.selectors import (
    event_details, events_public, events_staffed_by, events_visible_to, schedules_staffed_by,
    schedules_visible_to, tickets_staffed_by, tickets_visible_to,
)

WRITE_METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]
WRITE_ACTIONS = ("update", "partial_update", "destroy")
EVENT_SEARCH = ("event_name", "event_venue")
EVENT_ORDERING = ("start_date", "end_date", "created", "event_name")


class StaffScopedMixin:
    """Lists show the caller's stores' objects plus published public ones; one may be fetched by id
    when published (even if private); writes reach only the caller's stores' objects (else 404)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        user = self.request.user
        if self.action in WRITE_ACTIONS:
            return self.staffed(user)
        return self.visible(user, include_private=self.action != "list")


class EventViewSet(StaffScopedMixin, viewsets.ModelViewSet):
    """Owners manage their stores' events; agents read them; anyone reads published events."""

    serializer_class = s.EventSerializer
    filterset_class = EventFilter
    search_fields = EVENT_SEARCH
    ordering_fields = EVENT_ORDERING

    def staffed(self, user):
        return event_details(events_staffed_by(user))

    def visible(self, user, *, include_private):
        return event_details(events_visible_to(user, include_private=include_private))

    def perform_create(self, serializer):
        serializer.instance = services.event_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.event_update(event=serializer.instance, actor=self.request.user,
                                                    **serializer.validated_data)

    def perform_destroy(self, instance):
        services.event_delete(event=instance, actor=self.request.user)


class PublicEventViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """GET: the storefront (published, non-private events of active stores, upcoming first).
    POST: create an event that is public (never private); same body as /stores/event/."""

    serializer_class = s.EventSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filterset_class = EventFilter
    search_fields = EVENT_SEARCH
    ordering_fields = EVENT_ORDERING

    def get_queryset(self):
        return event_details(events_public())

    def perform_create(self, serializer):
        fields = {**serializer.validated_data, "is_private": False}
        serializer.instance = services.event_create(actor=self.request.user, **fields)


class ScheduleViewSet(StaffScopedMixin, viewsets.ModelViewSet):
    serializer_class = s.ScheduleSerializer
    filterset_class = ScheduleFilter
    search_fields = ("title", "event__event_name")
    ordering_fields = ("start", "end", "created")

    def staffed(self, user):
        return schedules_staffed_by(user)

    def visible(self, user, *, include_private):
        return schedules_visible_to(user, include_private=include_private)

    def perform_create(self, serializer):
        serializer.instance = services.schedule_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.schedule_update(schedule=serializer.instance, actor=self.request.user,
                                                       **serializer.validated_data)

    def perform_destroy(self, instance):
        services.schedule_delete(schedule=instance, actor=self.request.user)


class TicketViewSet(StaffScopedMixin, viewsets.ModelViewSet):
    """Ticket types. `tickets_bought`, `tickets_available` and `is_available` are computed; sent, they are ignored."""

    serializer_class = s.TicketSerializer
    filterset_class = TicketFilter
    search_fields = ("ticket_name", "event__event_name")
    ordering_fields = ("created", "ticket_name", "ticket_value", "quantity", "sales_start")

    def staffed(self, user):
        return tickets_staffed_by(user)

    def visible(self, user, *, include_private):
        return tickets_visible_to(user, include_private=include_private)

    def perform_create(self, serializer):
        serializer.instance = services.ticket_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.ticket_update(ticket=serializer.instance, actor=self.request.user,
                                                     **serializer.validated_data)

    def perform_destroy(self, instance):
        services.ticket_delete(ticket=instance, actor=self.request.user)
