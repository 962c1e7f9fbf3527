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
from mookh.core.serializers import StrictDecimalField, StrictRegexField
from promos.services.codes import CODE_CHARACTERS, CODE_RULE

NULL_STRINGS = ("", "null", "none")
# The most uses a limit may allow: what the integer columns holding limits and counts can store.
USES_MAX = 2_147_483_647


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# A percentage above 0 and at most 100 with up to two decimals (the service's rule, stated for the schema).
PERCENTAGE_PATTERN = (r"^(?:100(?:\.0{0,2})?|(?:0{0,2}[1-9]|0?[1-9][0-9])(?:\.[0-9]{0,2})?"
                      r"|0{0,3}\.(?:[1-9][0-9]?|0[1-9]))$")
PERCENTAGE = {"anyOf": [{"type": "string", "pattern": PERCENTAGE_PATTERN},
                        {"type": "integer", "minimum": 1, "maximum": 100}]}


def promo_code_field(*, allow_blank: bool = False, **kwargs) -> StrictRegexField:
    """A code the merchant chooses, in the form the promotions service takes (blank: none chosen).
    Taken as sent, untrimmed, so that the schema's pattern is the whole rule."""
    pattern = rf"^(?:{CODE_CHARACTERS})?$" if allow_blank else rf"^{CODE_CHARACTERS}$"
    return StrictRegexField(pattern, allow_blank=allow_blank, trim_whitespace=False,
                            error_messages={"invalid": CODE_RULE}, **kwargs)


class PromoCodeListField(serializers.ListField):
    """Codes the merchant chooses, each once: the promotions service refuses a repeat, also one that
    differs only in case (which the schema's uniqueItems cannot say)."""

    unique_items = True

    def __init__(self, **kwargs):
        super().__init__(child=promo_code_field(), **kwargs)


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


class NullableDecimalField(NullStringMixin, StrictDecimalField):
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
