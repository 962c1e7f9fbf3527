from datetime import datetime
from datetime import timezone as dt_timezone

from django.db import models
from django.utils import timezone
from rest_framework import serializers

from mookh.core.date_limits import InvalidMoment, moment_bounded
from mookh.core.datetimes import iso_datetime, moment_shown
from mookh.core.names import NAME_MAX_LENGTH, name_problem
from mookh.core.phone import InvalidPhoneNumber, phone_normalize


class PhoneNumberField(serializers.CharField):
    """Accepts only E.164 numbers and returns them normalized."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return phone_normalize(text)
        except InvalidPhoneNumber as exc:
            raise serializers.ValidationError(str(exc)) from exc


class StrictCharField(serializers.CharField):
    """A JSON string only: DRF's CharField would take a number or true as text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def validate_upload(upload, *, max_bytes: int, content_types: tuple[str, ...]):
    """Size and type checks shared by every upload field."""
    if upload.size > max_bytes:
        raise serializers.ValidationError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    content_type = getattr(upload, "content_type", "") or ""
    if content_types and not any(content_type.startswith(t) for t in content_types):
        raise serializers.ValidationError(f"Unsupported file type {content_type or 'unknown'}.")
    return upload


class PersonNameField(serializers.CharField):
    """A person's name as shown in messages to someone else: no links, no control characters."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", NAME_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
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


# For a ModelSerializer's `serializer_field_mapping`: its model date-times become DateTimeField above.
MODEL_FIELDS_BOUNDED = {**serializers.ModelSerializer.serializer_field_mapping, models.DateTimeField: DateTimeField}
