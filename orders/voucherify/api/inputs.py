"""Request shapes of the Voucherify-compatible API: types and sizes only (rules live in the
services). null means "not given"; unknown keys are ignored, as Voucherify does."""
import json
import math
from datetime import timezone

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mookh.core.serializers import DateTimeField, JsonStandIns, StrictCharField, StrictRegexField
from orders.voucherify.api.schema import ExportFiltersField
from orders.voucherify.exports import FIELDS as EXPORT_FIELDS, ORDERINGS as EXPORT_ORDERINGS
from orders.voucherify.inputs import CustomerInput, ItemInput, OrderInput
from orders.voucherify.selectors import ORDERINGS
from orders.voucherify.statuses import STATUSES

AMOUNT_MAX = 999_999_999_999  # minor units: what Mookh's amount columns hold (9,999,999,999.99)
QUANTITY_MAX = 100_000
ITEMS_MAX = 500
METADATA_MAX_KEYS = 50
METADATA_MAX_BYTES = 8192
OPTIONAL = {"required": False, "allow_null": True}


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer, as the SDK sends: neither "12", 12.0 nor true."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "number", "minimum": 0, "maximum": AMOUNT_MAX})
class PriceField(serializers.Field):
    """A product's price: an integer or a finite number, at least 0."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)) or not math.isfinite(data) or not (
                0 <= data <= AMOUNT_MAX):
            raise serializers.ValidationError(f"A number from 0 to {AMOUNT_MAX}.")
        return data

    def to_representation(self, value):
        return value


class MetadataField(JsonStandIns, serializers.DictField):
    """Free key/value pairs, kept as sent (JsonStandIns): at most 50 keys and 8 KB."""

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if len(values) > METADATA_MAX_KEYS or len(json.dumps(values, default=str)) > METADATA_MAX_BYTES:
            raise serializers.ValidationError(f"At most {METADATA_MAX_KEYS} keys and {METADATA_MAX_BYTES} bytes.")
        return values


def _amount(**extra):
    return StrictIntegerField(min_value=0, max_value=AMOUNT_MAX, **OPTIONAL, **extra)


def _text(max_length, **extra):
    return StrictCharField(max_length=max_length, **OPTIONAL, **extra)


def _given(values: dict) -> dict:
    return {name: value for name, value in values.items() if value is not None}


class ApiAddressInput(serializers.Serializer):
    city = _text(100, allow_blank=True)
    state = _text(100, allow_blank=True)
    line_1 = _text(200, allow_blank=True)
    line_2 = _text(200, allow_blank=True)
    country = _text(100, allow_blank=True)
    postal_code = _text(20, allow_blank=True)

    def to_internal_value(self, data):
        return _given(super().to_internal_value(data))


class ApiCustomerInput(serializers.Serializer):
    id = _text(32)
    source_id = _text(200)
    name = _text(200, allow_blank=True)
    description = _text(1000, allow_blank=True)
    email = serializers.EmailField(**OPTIONAL, allow_blank=True)
    phone = _text(32, allow_blank=True)
    birthday = serializers.DateField(**OPTIONAL, help_text="Deprecated: birthdate.")
    birthdate = serializers.DateField(**OPTIONAL)
    address = ApiAddressInput(**OPTIONAL)
    metadata = MetadataField(**OPTIONAL)

    def to_internal_value(self, data):
        values = _given(super().to_internal_value(data))
        birthday = values.pop("birthday", None)
        if birthday and "birthdate" not in values:
            values["birthdate"] = birthday
        return CustomerInput(**values)


class ApiProductInput(serializers.Serializer):
    id = _text(64)
    source_id = _text(200)
    override = serializers.BooleanField(**OPTIONAL)
    name = _text(200, allow_blank=True)
    metadata = MetadataField(**OPTIONAL)
    price = PriceField(**OPTIONAL)

    def to_internal_value(self, data):
        return _given(super().to_internal_value(data))


class ApiSkuInput(ApiProductInput):
    name = None
    sku = _text(200, allow_blank=True)


class ApiOrderItemInput(serializers.Serializer):
    sku_id = _text(64, help_text="One of the store's ticket types or albums (its id).")
    product_id = _text(64, help_text="One of the store's ticket types or albums (its id).")
    related_object = serializers.ChoiceField(choices=["product", "sku"], **OPTIONAL)
    source_id = _text(200, help_text="The client's own product: without product_id/sku_id, an external line.")
    quantity = StrictIntegerField(min_value=1, max_value=QUANTITY_MAX, **OPTIONAL)
    discount_quantity = StrictIntegerField(min_value=0, max_value=QUANTITY_MAX, **OPTIONAL)
    initial_quantity = StrictIntegerField(min_value=0, max_value=QUANTITY_MAX, **OPTIONAL)
    amount = _amount()
    discount_amount = _amount()
    initial_amount = _amount()
    price = _amount()
    product = ApiProductInput(**OPTIONAL)
    sku = ApiSkuInput(**OPTIONAL)
    metadata = MetadataField(**OPTIONAL)

    def to_internal_value(self, data):
        return ItemInput(**_given(super().to_internal_value(data)))


class ApiOrderUpdateInput(serializers.Serializer):
    source_id = _text(200)
    status = serializers.ChoiceField(choices=STATUSES, **OPTIONAL)
    amount = _amount()
    initial_amount = _amount()
    discount_amount = _amount()
    items = serializers.ListField(child=ApiOrderItemInput(), max_length=ITEMS_MAX, **OPTIONAL)
    metadata = MetadataField(**OPTIONAL)
    # A time without an offset is UTC, as the SDK sends a naive datetime.
    created_at = DateTimeField(default_timezone=timezone.utc, **OPTIONAL)
    referrer_id = _text(32)
    customer = ApiCustomerInput(**OPTIONAL)
    referrer = ApiCustomerInput(**OPTIONAL)

    def to_internal_value(self, data):
        values = _given(super().to_internal_value(data))
        if "items" in values:
            values["items"] = tuple(values["items"])
        return OrderInput(**values)


class ApiOrderCreateInput(ApiOrderUpdateInput):
    id = _text(32, help_text="An existing order's id: that order is updated (upsert).")


class ApiOrderListQuery(serializers.Serializer):
    limit = StrictRegexField(r"^[0-9]{1,3}$", required=False, default="10")
    page = StrictRegexField(r"^[0-9]{1,7}$", required=False, default="1")
    order = serializers.ChoiceField(choices=list(ORDERINGS), required=False, default="-created_at")

    def to_internal_value(self, data):
        # DRF reads an empty query value as an absent one; the API refuses it, as its schema says.
        blank = {name: ["This field may not be blank."] for name in self.fields if data.get(name) == ""}
        if blank:
            raise serializers.ValidationError(blank)
        return super().to_internal_value(data)

    def validate_limit(self, value):
        if not 1 <= int(value) <= 100:
            raise serializers.ValidationError("From 1 to 100.")
        return int(value)

    def validate_page(self, value):
        if int(value) < 1:
            raise serializers.ValidationError("1 or more.")
        return int(value)


class ApiExportParametersInput(serializers.Serializer):
    fields = serializers.ListField(child=serializers.ChoiceField(choices=EXPORT_FIELDS), max_length=len(EXPORT_FIELDS),
                                   **OPTIONAL)
    order = serializers.ChoiceField(choices=list(EXPORT_ORDERINGS), **OPTIONAL)
    filters = ExportFiltersField(**OPTIONAL)

    def validate_fields(self, value):
        if value is not None and len(set(value)) != len(value):
            raise serializers.ValidationError("Name each field once.")
        return value


class ApiExportCreateInput(serializers.Serializer):
    parameters = ApiExportParametersInput(**OPTIONAL)
