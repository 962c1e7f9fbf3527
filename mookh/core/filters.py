"""Filters shared by every list endpoint."""
from django import forms
from django_filters import fields as filter_fields
from django_filters import rest_framework as filters

from mookh.core.date_limits import InvalidMoment, moment_bounded


class IsoDateTimeField(filter_fields.IsoDateTimeField):
    """An ISO 8601 date-time (the current time zone's when it names none) that the database can
    compare with: out-of-range years and offsets are a 400 naming the parameter, never a 500."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment_bounded(moment)
        except InvalidMoment as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    """Every date-time filter of the API."""

    field_class = IsoDateTimeField
