"""Serializer fields for money and currencies, and the upload limits of the catalog."""
import json
from decimal import Decimal

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mookh.core.currency import (AMOUNT_MAX, ISO_4217_CODES, InvalidAmount, InvalidCurrency, amount_format,
                                 amount_parse, currency_normalize)
from mookh.core.serializers import StrictCharField, StrictDecimalField, validate_upload

IMAGE_MAX_BYTES = 5 * 1024 * 1024
MEDIA_FILE_MAX_BYTES = 200 * 1024 * 1024
MEDIA_FILE_TYPES = ("audio/", "video/", "image/", "application/pdf", "application/epub+zip", "application/zip")


def image_upload_check(upload):
    """Event posters and album thumbnails (STORES_IMAGE_MAX_BYTES overrides the 5 MB limit)."""
    if upload is None:
        return upload
    limit = getattr(settings, "STORES_IMAGE_MAX_BYTES", IMAGE_MAX_BYTES)
    return validate_upload(upload, max_bytes=limit, content_types=("image/",))


def media_upload_check(upload):
    """Sold files (STORES_MEDIA_FILE_MAX_BYTES overrides the 200 MB limit)."""
    limit = getattr(settings, "STORES_MEDIA_FILE_MAX_BYTES", MEDIA_FILE_MAX_BYTES)
    return validate_upload(upload, max_bytes=limit, content_types=MEDIA_FILE_TYPES)


@extend_schema_field({"type": "string", "enum": sorted(ISO_4217_CODES), "description": "ISO 4217 code."})
class CurrencyField(StrictCharField):
    """An ISO 4217 code, upper-cased."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return currency_normalize(super().to_internal_value(data))
        except InvalidCurrency as exc:
            raise serializers.ValidationError(str(exc)) from exc


# A price: whole units (8 digits at most: AMOUNT_MAX) and up to 2 decimal places.
PRICE_SCHEMA = {"type": "string", "format": "decimal", "pattern": r"^[0-9]{1,8}(?:\.[0-9]{1,2})?$"}


@extend_schema_field({
    "type": "object", "properties": {code: PRICE_SCHEMA for code in sorted(ISO_4217_CODES)},
    "additionalProperties": False,
    "description": f"Price per ISO 4217 currency, at most {AMOUNT_MAX}.", "example": {"KES": "1000.00", "USD": "8.00"},
})
class PricesField(serializers.Field):
    """{"KES": "1000.00", "USD": "8.00"}: ISO 4217 codes to non-negative amounts with 2 decimal places.

    A JSON string is accepted too, so that multipart forms (with an image) can carry prices.
    """

    default_error_messages = {"not_a_map": "Expected an object of currency codes to amounts."}

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("not_a_map")
        if not isinstance(data, dict):
            self.fail("not_a_map")
        prices, errors = {}, {}
        for code, amount in data.items():
            try:
                prices[currency_normalize(code)] = amount_parse(amount)
            except (InvalidCurrency, InvalidAmount) as exc:
                errors[str(code)] = [str(exc)]
        if errors:
            raise serializers.ValidationError(errors)
        return prices

    def to_representation(self, value):
        return {code: amount_format(amount) for code, amount in (value or {}).items()}


class MoneyField(StrictDecimalField):
    """A non-negative amount up to AMOUNT_MAX, as "1000.00"."""

    def __init__(self, **kwargs):
        kwargs.update(max_digits=12, decimal_places=2, min_value=Decimal("0"), max_value=AMOUNT_MAX)
        super().__init__(**kwargs)
