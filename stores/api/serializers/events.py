from django.db.models import Manager
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mookh.core.serializers import ModelSerializer, StrictCharField
from stores.api.fields import MoneyField, PricesField, image_upload_check
from stores.api.serializers.stores import StoreContactsSerializer
from stores.models import Event, EventCategory, Schedule, Store, Ticket
from stores.selectors import catalog_access, event_staff_statistics, event_statistics, ticket_is_available


def access_from(serializer):
    """The caller's CatalogAccess, computed once per request and kept in the serializer context."""
    context = serializer.context
    if "catalog_access" not in context:
        request = context.get("request")
        context["catalog_access"] = catalog_access(getattr(request, "user", None))
    return context["catalog_access"]


class ScheduleSerializer(ModelSerializer):
    """FullCalendar's event shape."""

    event_name = StrictCharField(source="event.event_name", read_only=True)
    event_fk = serializers.PrimaryKeyRelatedField(source="event", queryset=Event.objects.all())
    allDay = serializers.BooleanField(source="all_day", required=False)  # noqa: N815 (FullCalendar's name)
    dow = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6), required=False,
                                help_text="Days of the week, 0 = Sunday.")

    class Meta:
        model = Schedule
        fields = ("id", "event_name", "event_fk", "title", "allDay", "repeats", "dow", "start", "end")


class TicketSerializer(ModelSerializer):
    event_fk = serializers.PrimaryKeyRelatedField(source="event", queryset=Event.objects.all())
    schedule_fk = serializers.PrimaryKeyRelatedField(source="schedule", queryset=Schedule.objects.all(),
                                                     required=False, allow_null=True)
    schedule_name = StrictCharField(source="schedule.title", read_only=True, allow_null=True)
    ticket_value = MoneyField(required=False, help_text="The price in the store's default currency.")
    prices = PricesField(required=False)
    currency = StrictCharField(source="event.store.default_currency", read_only=True)
    tickets_bought = serializers.IntegerField(source="sold", read_only=True)
    tickets_available = serializers.IntegerField(read_only=True)
    is_available = serializers.SerializerMethodField()
    type_name = StrictCharField(source="TYPE_NAME", read_only=True,
                                      help_text=f"`{Ticket.TYPE_NAME}`: what an order line names as its type_name.")

    class Meta:
        model = Ticket
        fields = ("id", "ticket_name", "event_fk", "schedule_name", "ticket_description", "schedule_fk",
                  "ticket_value", "currency", "prices", "is_published", "ticket_metadata", "quantity",
                  "tickets_bought", "tickets_available", "is_available", "sales_start", "sales_end",
                  "max_per_order", "max_per_buyer", "allow_pay_later", "pay_later_max_per_buyer", "type_name")
        extra_kwargs = {
            "allow_pay_later": {"help_text": "Accept pay-later and installment orders (they hold seats 48 h)."},
            "pay_later_max_per_buyer": {"min_value": 1, "allow_null": True, "required": False,
                                        "help_text": "Units one buyer may hold in pay-later or installment orders."},
            "ticket_description": {"allow_null": True, "required": False},
            "max_per_order": {"min_value": 1, "allow_null": True, "required": False},
            "max_per_buyer": {"min_value": 1, "allow_null": True, "required": False},
        }

    def get_is_available(self, ticket) -> bool:
        return ticket_is_available(ticket)

    def validate_ticket_metadata(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("Expected an object.")
        return value


class RegistrationFieldSerializer(serializers.Serializer):
    """One question an attendee answers when ordering (checked against an order's data_entries)."""

    name = StrictCharField(max_length=100)
    required = serializers.BooleanField(default=False)
    type = serializers.ChoiceField(choices=("text", "number", "choice"), default="text")
    choices = serializers.ListField(child=StrictCharField(max_length=100), required=False)

    def validate(self, attrs):
        if attrs["type"] == "choice" and not attrs.get("choices"):
            raise serializers.ValidationError({"choices": ["A choice field needs its choices."]})
        return attrs


STAFF_ONLY = "Shown only to the store's staff (owner, agents, super admins); absent for everyone else."


class TicketCountSerializer(serializers.Serializer):
    """One ticket type's figures in an event's `tickets_count_by_category`: everyone sees `id,
    ticket_name, available`; `quantity`, `sold` and `reserved` only the store's staff."""

    id = serializers.UUIDField()
    ticket_name = StrictCharField()
    quantity = serializers.IntegerField(required=False, help_text=STAFF_ONLY)
    sold = serializers.IntegerField(required=False, help_text=STAFF_ONLY)
    reserved = serializers.IntegerField(required=False, help_text=f"Held by unpaid orders. {STAFF_ONLY}")
    available = serializers.IntegerField(help_text="Units that can still be bought.")


class SubEventSerializer(ModelSerializer):
    class Meta:
        model = Event
        fields = ("id", "event_name", "start_date", "end_date", "is_published", "is_private")


class EventListSerializer(serializers.ListSerializer):
    """Computes the statistics of a whole page at once (a fixed number of queries)."""

    def to_representation(self, data):
        events = list(data.all() if isinstance(data, Manager) else data)
        self.context["event_statistics"] = EventSerializer.statistics_for(events, access_from(self))
        return [self.child.to_representation(event) for event in events]


NO_SALES_SHOWN = {"tickets_total_sales": 0, "tickets_sales_by_platform": {}, "tickets_by_status": {}}
STATISTICS = ("tickets_count_by_category", "tickets_total_sales", "tickets_sales_by_platform",
              "tickets_by_status", "total_event_tickets")


class EventSerializer(ModelSerializer):
    event_category_fk = serializers.PrimaryKeyRelatedField(source="event_category",
                                                           queryset=EventCategory.objects.all())
    parent_event_id = serializers.PrimaryKeyRelatedField(source="parent_event", queryset=Event.objects.all(),
                                                         required=False, allow_null=True)
    category_name = StrictCharField(source="event_category.category_name", read_only=True)
    event_poster = serializers.ImageField(required=False, allow_null=True)
    store_fk = serializers.PrimaryKeyRelatedField(source="store", queryset=Store.objects.all())
    store_type_id = serializers.UUIDField(source="store.store_type_id", read_only=True)
    store_name = StrictCharField(source="store.store_name", read_only=True)
    store_contacts = StoreContactsSerializer(source="store.store_contacts", read_only=True)
    tickets = serializers.SerializerMethodField()
    tickets_count_by_category = serializers.SerializerMethodField()
    tickets_total_sales = serializers.SerializerMethodField()
    tickets_sales_by_platform = serializers.SerializerMethodField()
    tickets_by_status = serializers.SerializerMethodField()
    total_event_tickets = serializers.SerializerMethodField()
    schedule = ScheduleSerializer(source="schedules", many=True, read_only=True)
    sub_events = serializers.SerializerMethodField()

    class Meta:
        model = Event
        list_serializer_class = EventListSerializer
        fields = ("id", "event_name", "event_venue", "event_description", "event_category_fk", "parent_event_id",
                  "category_name", "event_poster", "store_fk", "store_type_id", "store_name", "store_contacts",
                  "start_date", "end_date", "is_free", "is_private", "is_published", "has_complimentary",
                  "event_metadata", "payment_window_minutes", "tickets", "tickets_count_by_category", "tickets_total_sales",
                  "tickets_sales_by_platform", "tickets_by_status", "total_event_tickets", "schedule",
                  "sub_events", "created")
        read_only_fields = ("id", "created")
        extra_kwargs = {
            "event_venue": {"allow_null": True, "required": False},
            "payment_window_minutes": {"min_value": 1, "max_value": 1440, "required": False,
                                       "help_text": "Minutes an unpaid MOBILE or CARD order holds its seats."},
        }

    @staticmethod
    def statistics_for(events, access) -> dict:
        """Staff of a store see every ticket type's figures and the sales; everyone else only
        published types and what is still available (sales figures are the store's business)."""
        staffed = [event.pk for event in events if access.can_read(event.store_id)]
        others = [event.pk for event in events if not access.can_read(event.store_id)]
        stats = event_statistics(staffed) if staffed else {}
        if staffed:
            for event_id, sales in event_staff_statistics(staffed).items():
                stats[event_id].update(sales)
        if others:
            stats.update(event_statistics(others, public=True))
            for event_id in others:
                stats[event_id].update(NO_SALES_SHOWN)
        return stats

    def _statistics(self, event) -> dict:
        cached = self.context.setdefault("event_statistics", {})
        if event.pk not in cached:
            cached.update(self.statistics_for([event], access_from(self)))
        return cached[event.pk]

    def _sees_everything(self, event) -> bool:
        return access_from(self).can_read(event.store_id)

    @extend_schema_field(TicketSerializer(many=True))
    def get_tickets(self, event):
        tickets = [t for t in event.tickets.all() if t.is_published or self._sees_everything(event)]
        return TicketSerializer(tickets, many=True, context=self.context).data

    @extend_schema_field(SubEventSerializer(many=True))
    def get_sub_events(self, event):
        children = [child for child in event.sub_events.all() if self._sees_everything(event) or (
            child.is_published and (event.is_private or not child.is_private))]
        return SubEventSerializer(children, many=True).data

    @extend_schema_field(TicketCountSerializer(many=True))
    def get_tickets_count_by_category(self, event):
        """Per ticket type: `id, ticket_name, available`, plus `quantity, sold, reserved` for the store's staff."""
        return TicketCountSerializer(self._statistics(event)["tickets_count_by_category"], many=True).data

    def get_tickets_total_sales(self, event) -> int:
        """Ticket units in paid orders (staff only; 0 for everyone else)."""
        return self._statistics(event)["tickets_total_sales"]

    @extend_schema_field(serializers.DictField(child=serializers.DictField()))
    def get_tickets_sales_by_platform(self, event) -> dict:
        """{channel: {"units", "amounts": {currency: amount}}} from paid orders (staff only)."""
        return self._statistics(event)["tickets_sales_by_platform"]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_tickets_by_status(self, event) -> dict:
        """Issued tickets by status: VALID, CHECKED_IN, VOID (staff only)."""
        return self._statistics(event)["tickets_by_status"]

    def get_total_event_tickets(self, event) -> int | None:
        return self._statistics(event)["total_event_tickets"]

    def validate_event_poster(self, upload):
        return image_upload_check(upload)

    def validate_event_metadata(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("Expected an object.")
        if "registration_fields" in value:
            fields = RegistrationFieldSerializer(data=value["registration_fields"], many=True)
            if not fields.is_valid():
                raise serializers.ValidationError({"registration_fields": fields.errors})
            names = [field["name"] for field in fields.validated_data]
            if len(names) != len(set(names)):
                raise serializers.ValidationError({"registration_fields": ["Field names must be unique."]})
            value = {**value, "registration_fields": [dict(field) for field in fields.validated_data]}
        return value
