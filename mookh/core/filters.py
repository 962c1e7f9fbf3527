"""Filters shared by every list endpoint."""
from django import forms
from django.db import models
from django_filters import fields as filter_fields
from django_filters import rest_framework as filters
from rest_framework import filters as drf_filters
from rest_framework.exceptions import ValidationError

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


class BooleanField(forms.NullBooleanField):
    """true/false or 1/0, in any case; empty is no filter. Anything else is a 400 naming the parameter,
    not silently no filter as with django-filter's BooleanWidget."""

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        if value in (None, ""):
            return None
        try:
            return self.VALUES[str(value).lower()]
        except KeyError:
            raise forms.ValidationError("Give true or false.", code="invalid") from None


class BooleanFilter(filters.BooleanFilter):
    field_class = BooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class FilterSet(filters.FilterSet):
    """Every filter set of the API: model booleans filter with BooleanFilter above."""

    FILTER_DEFAULTS = {**filters.FilterSet.FILTER_DEFAULTS, models.BooleanField: {"filter_class": BooleanFilter}}


class FilterBackend(filters.DjangoFilterBackend):
    """DRF's django-filter backend; the filter sets it makes from `filterset_fields` are FilterSet above."""

    filterset_base = FilterSet


class SearchFilter(drf_filters.SearchFilter):
    """DRF's ?search=, whose refusals (a NUL character) name the parameter like every other 400."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({self.search_param: exc.detail}) from None
