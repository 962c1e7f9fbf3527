"""Answer shapes of the /v1 routes, declared for the OpenAPI schema (representation.py renders them)."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mookh.core.serializers import DateTimeField
from orders.voucherify.exports import FIELDS as EXPORT_FIELDS, ORDERINGS as EXPORT_ORDERINGS
from orders.voucherify.models import AsyncAction, OrderExport
from orders.voucherify.statuses import STATUSES

NULLABLE_TEXT = {"allow_null": True, "required": False}


def constant(value: str) -> serializers.CharField:
    """A string field that always holds `value` (the SDK checks these), declared inline."""

    @extend_schema_field({"type": "string", "enum": [value]})
    class Constant(serializers.CharField):
        pass

    return Constant()


class ApiCustomerRefOutput(serializers.Serializer):
    id = serializers.CharField()
    object = constant("customer")


class ApiOrderItemOutput(serializers.Serializer):
    object = constant("order_item")
    source_id = serializers.CharField(**NULLABLE_TEXT)
    product_id = serializers.CharField(required=False)
    sku_id = serializers.CharField(required=False)
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
    id = serializers.CharField(help_text="ord_…")
    object = constant("order")
    source_id = serializers.CharField(**NULLABLE_TEXT)
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
    customer_id = serializers.CharField(**NULLABLE_TEXT)
    customer = ApiCustomerRefOutput(allow_null=True)
    referrer_id = serializers.CharField(**NULLABLE_TEXT)
    referrer = ApiCustomerRefOutput(allow_null=True)
    redemptions = serializers.DictField()
    items = ApiOrderItemOutput(many=True)


class ApiOrderListOutput(serializers.Serializer):
    object = constant("list")
    data_ref = constant("orders")
    orders = ApiOrderOutput(many=True)
    total = serializers.IntegerField(help_text="All the store's orders, not only this page's.")


class ApiImportOutput(serializers.Serializer):
    async_action_id = serializers.CharField(help_text="aa_…")


class ApiImportFailureOutput(serializers.Serializer):
    index = serializers.IntegerField(help_text="The order's place in the imported array.")
    source_id = serializers.CharField()
    reason = serializers.CharField()


class ApiImportResultOutput(serializers.Serializer):
    message = serializers.CharField()
    done_count = serializers.IntegerField()
    failed_count = serializers.IntegerField()
    failed = ApiImportFailureOutput(many=True)


class ApiAsyncActionOutput(serializers.Serializer):
    id = serializers.CharField()
    object = constant("async_action")
    type = constant(AsyncAction.ORDERS_IMPORT)
    status = serializers.ChoiceField(choices=AsyncAction.Status.values)
    operation_status = serializers.ChoiceField(choices=["SUCCESS", "FAILED", "UNKNOWN"], allow_null=True)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    processing_time = serializers.IntegerField(help_text="Milliseconds.")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    request_id = serializers.CharField(**NULLABLE_TEXT)
    result = ApiImportResultOutput(allow_null=True)


class ApiExportParametersOutput(serializers.Serializer):
    fields = serializers.ListField(child=serializers.ChoiceField(choices=EXPORT_FIELDS))
    order = serializers.ChoiceField(choices=list(EXPORT_ORDERINGS))
    filters = serializers.DictField(required=False)


class ApiExportResultOutput(serializers.Serializer):
    url = serializers.URLField(allow_null=True, help_text="DONE: the CSV; GET it with the same X-App headers.")
    message = serializers.CharField(required=False, help_text="ERROR: what went wrong.")


class ApiExportOutput(serializers.Serializer):
    id = serializers.CharField(help_text="exp_…")
    object = constant("export")
    created_at = DateTimeField()
    status = serializers.ChoiceField(choices=OrderExport.Status.values,
                                     help_text="Always SCHEDULED in the answer that creates it.")
    channel = constant("API")
    exported_object = constant("order")
    parameters = ApiExportParametersOutput()
    result = ApiExportResultOutput(allow_null=True)
    user_id = serializers.CharField(allow_null=True)


class ApiErrorOutput(serializers.Serializer):
    code = serializers.IntegerField(help_text="The HTTP status.")
    key = serializers.CharField(help_text="e.g. unauthorized, not_found, invalid_payload, invalid_query_params.")
    message = serializers.CharField()
    details = serializers.CharField()
    request_id = serializers.CharField()
    resource_id = serializers.CharField(required=False)
    resource_type = serializers.CharField(required=False)
