import copy
import math
from datetime import datetime
from datetime import timezone as dt_timezone

from django.db import models
from django.utils import timezone
from rest_framework import serializers

from mookh.core.date_limits import InvalidMoment, moment_bounded
from mookh.core.datetimes import iso_datetime, moment_shown
from mookh.core.names import NAME_MAX_LENGTH, name_problem
from mookh.core.phone import InvalidPhoneNumber, phone_normalize
from mookh.core.storable import json_storable, json_unstorable


class Serializer(serializers.Serializer):
    """A serializer whose fields cost little to set up: DRF deep-copies every declared field for each
    instance, re-running each field's __init__, a good share of a busy endpoint's time. A plain field
    holds nothing of a request until it is bound (to its copy), so a shallow copy serves; a nested
    serializer, or a field with a child, is copied deep as before."""

    def get_fields(self):
        return {name: copy.deepcopy(field) if isinstance(field, serializers.BaseSerializer) or hasattr(field, "child")
                else copy.copy(field) for name, field in self._declared_fields.items()}


class JsonStringOnly:
    """Text fields take a JSON string only: DRF's would take a number or true and read it as text,
    which the schema (type string) does not allow."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(JsonStringOnly, serializers.CharField):
    pass


class StrictRegexField(JsonStringOnly, serializers.RegexField):
    pass


class StrictDecimalField(serializers.DecimalField):
    """A decimal string ("15.50") or a whole JSON number (15), as the seeds send them. A JSON fraction
    (15.5) is refused: it arrives as a binary float, and money is never a float."""

    default_error_messages = {"fraction": 'Send an amount with a fraction as a decimal string, such as "15.50".'}

    def to_internal_value(self, data):
        if isinstance(data, float):
            # 1e400 arrives as infinity: no amount at all, rather than one with a fraction.
            self.fail("fraction" if math.isfinite(data) else "invalid")
        return super().to_internal_value(data)


class PhoneNumberField(StrictCharField):
    """Accepts only E.164 numbers and returns them normalized."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return phone_normalize(text)
        except InvalidPhoneNumber as exc:
            raise serializers.ValidationError(str(exc)) from exc


class JsonStorable:
    """Free JSON kept in a jsonb column: what the column cannot hold is a 400, not a 500."""

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        problem = json_unstorable(values)
        if problem:
            raise serializers.ValidationError(problem)
        return values


class JsonStandIns:
    """Free JSON kept as sent, except for the characters PostgreSQL cannot hold, which become U+FFFD:
    for data a client attaches and reads back (metadata), where refusing an order for one would do harm."""

    def to_internal_value(self, data):
        return json_storable(super().to_internal_value(data))


class StorableDictField(JsonStorable, serializers.DictField):
    pass


class StorableJSONField(JsonStorable, serializers.JSONField):
    pass


def validate_upload(upload, *, max_bytes: int, content_types: tuple[str, ...]):
    """Size and type checks shared by every upload field."""
    if upload.size > max_bytes:
        raise serializers.ValidationError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    content_type = getattr(upload, "content_type", "") or ""
    if content_types and not any(content_type.startswith(t) for t in content_types):
        raise serializers.ValidationError(f"Unsupported file type {content_type or 'unknown'}.")
    return upload


class PersonNameField(StrictCharField):
    """A person's name as shown in messages to someone else: no links, no control characters."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", NAME_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = " ".join(super().to_internal_value(data).split())
        problem = name_problem(text) if text else None
        if problem:
            raise serializers.ValidationError(problem)
        return text


class DateTimeField(serializers.DateTimeField):
    """DRF's date-time, limited to what the database stores and reads back in any time zone
    (`mookh.core.date_limits`): out-of-range years and offsets are a 400, never a 500. Written in
    UTC where the time zone's offset then had seconds (`mookh.core.datetimes`)."""

    def to_representation(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value) and moment_shown(value).tzinfo is dt_timezone.utc:
            return iso_datetime(value)
        return super().to_representation(value)

    def enforce_timezone(self, value):
        try:
            if value.utcoffset() is not None:
                moment_bounded(value)
            value = super().enforce_timezone(value)
            moment_bounded(value)
        except (InvalidMoment, OverflowError) as exc:
            message = str(exc) if isinstance(exc, InvalidMoment) else "This date is out of range."
            raise serializers.ValidationError(message, code="invalid") from None
        return value


class ModelSerializer(serializers.ModelSerializer):
    """Model fields read as the fields above: text from JSON strings only, decimals never from a float,
    date-times within what the database stores."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.DecimalField: StrictDecimalField,
        models.DateTimeField: DateTimeField,
        models.JSONField: StorableJSONField,
    }
