"""Answer shapes of the /v1 routes, declared for the OpenAPI schema (representation.py renders them)."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mookh.core.serializers import DateTimeField, StorableDictField, StrictCharField
from orders.voucherify import filters
from orders.voucherify.exports import FIELDS as EXPORT_FIELDS, ORDERINGS as EXPORT_ORDERINGS
from orders.voucherify.models import AsyncAction, OrderExport
from orders.voucherify.statuses import STATUSES

NULLABLE_TEXT = {"allow_null": True, "required": False}
NO_NUL = r"^[^\x00]*$"
FILTER_VALUES = {
    filters.TEXT: {"type": "string", "maxLength": filters.TEXT_MAX_LENGTH, "pattern": NO_NUL},
    filters.NUMBER: {"type": "integer"},
    filters.MOMENT: {"type": "string", "format": "date-time"},
    filters.STATUS: {"type": "string", "enum": list(STATUSES)},
}


def _filter_conditions(kind: str) -> dict:
    value = FILTER_VALUES[kind]
    listed = {"type": "array", "minItems": 1, "maxItems": filters.LIST_MAX_LENGTH, "items": value}
    presence = {"nullable": True, "description": "The operator reads no value: null, true or another scalar.",
                "anyOf": [{"type": "string", "pattern": NO_NUL}, {"type": "number"}, {"type": "boolean"}]}
    operators = {operator: (listed if operator in ("$in", "$not_in") else
                            presence if operator in filters.PRESENCE_OPERATORS else value)
                 for operator in sorted(filters.OPERATORS[kind])}
    return {"type": "object", "minProperties": 1, "additionalProperties": False, "properties": operators}


def export_filters_schema() -> dict:
    """The grammar orders.voucherify.filters reads, field by field."""
    fields = {name: {"type": "object", "required": ["conditions"], "additionalProperties": False,
                     "properties": {"conditions": _filter_conditions(kind)}}
              for name, (_column, kind) in filters.FIELDS.items()}
    junction = {"type": "string", "nullable": True, "pattern": "^(?:[Aa][Nn][Dd]|[Oo][Rr])$",
                "description": "How the conditions combine: and (the default) or or."}
    return {
        "type": "object", "nullable": True, "additionalProperties": False,
        "properties": {"junction": junction, **fields},
        "description": "Conditions by field, e.g. {\"status\": {\"conditions\": {\"$in\": [\"PAID\"]}}}. Metadata "
                       "takes the same operators as text under a name metadata.<key> (letters, digits, _ and -, up "
                       "to 64), with a string, number or boolean.",
        "example": {"status": {"conditions": {"$in": ["PAID"]}}},
    }


@extend_schema_field(export_filters_schema())
class ExportFiltersField(StorableDictField):
    """Read by orders.voucherify.filters; kept as given, for the export's parameters."""


def constant(value: str) -> serializers.CharField:
    """A string field that always holds `value` (the SDK checks these), declared inline."""

    @extend_schema_field({"type": "string", "enum": [value]})
    class Constant(StrictCharField):
        pass

    return Constant()


class ApiCustomerRefOutput(serializers.Serializer):
    id = StrictCharField()
    object = constant("customer")


class ApiOrderItemOutput(serializers.Serializer):
    object = constant("order_item")
    source_id = StrictCharField(**NULLABLE_TEXT)
    product_id = StrictCharField(required=False)
    sku_id = StrictCharField(required=False)
    related_object = serializers.ChoiceField(choices=["product", "sku"])
    quantity = serializers.IntegerField()
    price = serializers.IntegerField(help_text="Unit price in minor units.")
    amount = serializers.IntegerField(help_text="price × quantity (or the amount the client gave).")
    applied_discount_amount = serializers.IntegerField(required=False)
    subtotal_amount = serializers.IntegerField()
    product = serializers.DictField(help_text="name, and what the client sent: id, source_id, override, metadata, "
                                              "price.")
    sku = serializers.DictField(required=False)
    metadata = serializers.DictField()


class ApiOrderOutput(serializers.Serializer):
    id = StrictCharField(help_text="ord_…")
    object = constant("order")
    source_id = StrictCharField(**NULLABLE_TEXT)
    status = serializers.ChoiceField(choices=STATUSES)
    amount = serializers.IntegerField(help_text="Minor units (1500 = 15.00), before the order-level discount.")
    initial_amount = serializers.IntegerField()
    discount_amount = serializers.IntegerField()
    items_discount_amount = serializers.IntegerField()
    total_discount_amount = serializers.IntegerField()
    total_amount = serializers.IntegerField(help_text="What the order costs: amount - discount_amount.")
    applied_discount_amount = serializers.IntegerField()
    items_applied_discount_amount = serializers.IntegerField()
    total_applied_discount_amount = serializers.IntegerField()
    metadata = serializers.DictField()
    created_at = DateTimeField()
    updated_at = DateTimeField()
    customer_id = StrictCharField(**NULLABLE_TEXT)
    customer = ApiCustomerRefOutput(allow_null=True)
    referrer_id = StrictCharField(**NULLABLE_TEXT)
    referrer = ApiCustomerRefOutput(allow_null=True)
    redemptions = serializers.DictField()
    items = ApiOrderItemOutput(many=True)


class ApiOrderListOutput(serializers.Serializer):
    object = constant("list")
    data_ref = constant("orders")
    orders = ApiOrderOutput(many=True)
    total = serializers.IntegerField(help_text="All the store's orders, not only this page's.")


class ApiImportOutput(serializers.Serializer):
    async_action_id = StrictCharField(help_text="aa_…")


class ApiImportFailureOutput(serializers.Serializer):
    index = serializers.IntegerField(help_text="The order's place in the imported array.")
    source_id = StrictCharField()
    reason = StrictCharField()


class ApiImportResultOutput(serializers.Serializer):
    message = StrictCharField()
    done_count = serializers.IntegerField()
    failed_count = serializers.IntegerField()
    failed = ApiImportFailureOutput(many=True)


class ApiAsyncActionOutput(serializers.Serializer):
    id = StrictCharField()
    object = constant("async_action")
    type = constant(AsyncAction.ORDERS_IMPORT)
    status = serializers.ChoiceField(choices=AsyncAction.Status.values)
    operation_status = serializers.ChoiceField(choices=["SUCCESS", "FAILED", "UNKNOWN"], allow_null=True)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    processing_time = serializers.IntegerField(help_text="Milliseconds.")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    request_id = StrictCharField(**NULLABLE_TEXT)
    result = ApiImportResultOutput(allow_null=True)


class ApiExportParametersOutput(serializers.Serializer):
    fields = serializers.ListField(child=serializers.ChoiceField(choices=EXPORT_FIELDS))
    order = serializers.ChoiceField(choices=list(EXPORT_ORDERINGS))
    filters = serializers.DictField(required=False, help_text="As given when the export was created.")


class ApiExportResultOutput(serializers.Serializer):
    url = serializers.URLField(allow_null=True, help_text="DONE: the CSV; GET it with the same X-App headers.")
    message = StrictCharField(required=False, help_text="ERROR: what went wrong.")


class ApiExportOutput(serializers.Serializer):
    id = StrictCharField(help_text="exp_…")
    object = constant("export")
    created_at = DateTimeField()
    status = serializers.ChoiceField(choices=OrderExport.Status.values,
                                     help_text="Always SCHEDULED in the answer that creates it.")
    channel = constant("API")
    exported_object = constant("order")
    parameters = ApiExportParametersOutput()
    result = ApiExportResultOutput(allow_null=True)
    user_id = StrictCharField(allow_null=True)


class ApiErrorOutput(serializers.Serializer):
    code = serializers.IntegerField(help_text="The HTTP status.")
    key = StrictCharField(help_text="e.g. unauthorized, not_found, invalid_payload, invalid_query_params.")
    message = StrictCharField()
    details = StrictCharField()
    request_id = StrictCharField()
    resource_id = StrictCharField(required=False)
    resource_type = StrictCharField(required=False)
