"""Tolerant input fields: the seeds send "null" and "" for empty values, and plain dates for dates."""
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mookh.core.date_limits import InvalidMoment, day_bounded, moment_bounded
from mookh.core.datetimes import iso_datetime

NULL_STRINGS = ("", "null", "none")
# The most uses a limit may allow: what the integer columns holding limits and counts can store.
USES_MAX = 2_147_483_647


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class NullStringMixin:
    """`"null"`, `"None"` and `""` mean null."""

    def validate_empty_values(self, data):
        if isinstance(data, str) and data.strip().lower() in NULL_STRINGS:
            data = None
        return super().validate_empty_values(data)


class NullableUUIDField(NullStringMixin, serializers.UUIDField):
    pass


class NullableIntegerField(NullStringMixin, serializers.IntegerField):
    pass


class NullableDecimalField(NullStringMixin, serializers.DecimalField):
    pass


class NullableDateField(NullStringMixin, serializers.DateField):
    pass


@extend_schema_field(OpenApiTypes.DATETIME)
class DateOrDateTimeField(NullStringMixin, serializers.Field):
    """An ISO 8601 date-time, or a date meaning that whole day in the store's time zone."""

    default_error_messages = {"invalid": "Enter a date (YYYY-MM-DD) or an ISO 8601 date-time."}

    def to_internal_value(self, data):
        if isinstance(data, (datetime, date)):
            return data
        text = str(data).strip()
        try:
            parsed = parse_date(text) or parse_datetime(text)
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid")
        try:
            if isinstance(parsed, datetime) and timezone.is_aware(parsed):
                return moment_bounded(parsed)
            # A date, or a time without offset (the store's local time): its day must fit every time zone.
            day_bounded(parsed.date() if isinstance(parsed, datetime) else parsed)
        except InvalidMoment as exc:
            raise serializers.ValidationError(str(exc), code="invalid") from None
        return parsed

    def to_representation(self, value):
        if isinstance(value, datetime):
            return iso_datetime(value)
        return value.isoformat() if value else None
