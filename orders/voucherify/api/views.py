"""The /v1 endpoints: each handler translates HTTP to a service or selector call and back."""
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from mookh.core.errors import InvalidInput
from orders.voucherify.api import schema
from orders.voucherify.api.errors import fields_summary
from orders.voucherify.api.inputs import (
    ApiExportCreateInput, ApiOrderCreateInput, ApiOrderListQuery, ApiOrderUpdateInput,
)
from orders.voucherify.api.plumbing import (
    EXPORTS_PER_STORE, IMPORTS_PER_STORE, PER_API_KEY, PlainTextRenderer, VoucherifyView,
)
from orders.voucherify.api.representation import (
    async_action_representation, export_representation, order_representation, orders_list_representation,
)
from orders.voucherify.errors import ApiResourceNotFound, ExportNotReady
from orders.voucherify.exports import export_download_token_valid, order_export_create
from orders.voucherify.imports import IMPORT_MAX, orders_import_enqueue
from orders.voucherify.models import OrderExport
from orders.voucherify.selectors import (
    ORDERINGS, api_order_find, api_orders_page, async_action_find, order_export_find,
)
from orders.voucherify.services import api_order_create, api_order_update

TAGS = ["voucherify"]
ORDER_ID = OpenApiParameter("order_id", OpenApiTypes.STR, OpenApiParameter.PATH,
                            description="The order's id (ord_…) or its source_id.")
TOKEN = OpenApiParameter("token", OpenApiTypes.STR, description="With the token of result.url: the CSV itself "
                                                                "(text/plain) instead of the export.")
LIST_PARAMETERS = [
    OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": 100},
                     description="1 to 100 orders a page (default 10)."),
    OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 9_999_999},
                     description="1-based (default 1); past the end: no orders."),
    OpenApiParameter("order", OpenApiTypes.STR, enum=list(ORDERINGS), description="Default -created_at."),
]
ERRORS = {code: schema.ApiErrorOutput for code in (400, 401, 404, 409, 429)}


class OrdersView(VoucherifyView):
    @extend_schema(operation_id="list_orders", tags=TAGS, parameters=LIST_PARAMETERS,
                   responses={200: schema.ApiOrderListOutput, **ERRORS})
    def get(self, request):
        query = ApiOrderListQuery(data=request.query_params)
        if not query.is_valid():
            raise InvalidInput(query.errors, code="invalid_query_params")
        values = query.validated_data
        orders, total = api_orders_page(store=self.store, limit=values["limit"], page=values["page"],
                                        ordering=values["order"])
        return Response(orders_list_representation(orders, total))

    @extend_schema(operation_id="create_order", tags=TAGS, request=ApiOrderCreateInput,
                   responses={200: schema.ApiOrderOutput, **ERRORS},
                   description="Create an order, or update the one that `id` or `source_id` names (upsert).")
    def post(self, request):
        data = ApiOrderCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        api_order = api_order_create(store=self.store, data=data.validated_data)
        return Response(order_representation(api_order_find(store=self.store, key=api_order.pk)))


class OrderView(VoucherifyView):
    @extend_schema(operation_id="get_order", tags=TAGS, parameters=[ORDER_ID],
                   responses={200: schema.ApiOrderOutput, **ERRORS})
    def get(self, request, order_id):
        api_order = api_order_find(store=self.store, key=order_id)
        if api_order is None:
            raise ApiResourceNotFound("order", order_id)
        return Response(order_representation(api_order))

    @extend_schema(operation_id="update_order", tags=TAGS, parameters=[ORDER_ID], request=ApiOrderUpdateInput,
                   responses={200: schema.ApiOrderOutput, **ERRORS}, description="Change only the fields given.")
    def put(self, request, order_id):
        data = ApiOrderUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        api_order = api_order_update(store=self.store, key=order_id, data=data.validated_data)
        return Response(order_representation(api_order_find(store=self.store, key=api_order.pk)))


IMPORT_REQUEST = {
    "type": "array", "minItems": 1, "maxItems": IMPORT_MAX,
    "items": {"description": "An order as POST /v1/orders takes it (ApiOrderCreateInput); anything else is "
                             "reported in the async action's result as invalid_payload."},
}


class OrdersImportView(VoucherifyView):
    throttle_classes = [PER_API_KEY, IMPORTS_PER_STORE]

    # Each order is checked in the background, not here: one that is not an order as POST /v1/orders takes
    # it is reported in the async action's result, and the import goes on with the others.
    @extend_schema(operation_id="import_orders", tags=TAGS, request={"application/json": IMPORT_REQUEST},
                   responses={202: schema.ApiImportOutput, **ERRORS},
                   description=f"Import up to {IMPORT_MAX} orders in the background, each upserted like a "
                               "create; poll GET /v1/async-actions/{id}. A store's imports run one at a time.")
    def post(self, request):
        if not isinstance(request.data, list):
            raise InvalidInput({"orders": "Send a JSON array of orders."})
        if not 1 <= len(request.data) <= IMPORT_MAX:
            raise InvalidInput({"orders": f"Import 1 to {IMPORT_MAX} orders at a time."})
        orders, rejected = {}, []
        for index, body in enumerate(request.data):
            data = ApiOrderCreateInput(data=body)
            if data.is_valid():
                orders[index] = data.validated_data
            else:
                source_id = body.get("source_id") if isinstance(body, dict) else None
                rejected.append({"index": index, "source_id": source_id if isinstance(source_id, str) else "",
                                 "reason": f"invalid_payload: {fields_summary(data.errors)}"})
        action = orders_import_enqueue(store=self.store, orders=orders, rejected=rejected,
                                       request_id=request.request_id)
        return Response({"async_action_id": action.pk}, status=status.HTTP_202_ACCEPTED)


class OrdersExportView(VoucherifyView):
    throttle_classes = [PER_API_KEY, EXPORTS_PER_STORE]

    @extend_schema(operation_id="create_order_export", tags=TAGS, request=ApiExportCreateInput,
                   responses={200: schema.ApiExportOutput, **ERRORS},
                   description="Schedule a CSV of the store's API orders; poll GET /v1/exports/{id}.")
    def post(self, request):
        data = ApiExportCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        parameters = data.validated_data.get("parameters") or {}
        export = order_export_create(store=self.store, fields=parameters.get("fields"),
                                     ordering=parameters.get("order"), filters=parameters.get("filters"))
        return Response(export_representation(export, request, just_created=True))


class AsyncActionView(VoucherifyView):
    @extend_schema(operation_id="get_async_action", tags=TAGS, responses={200: schema.ApiAsyncActionOutput, **ERRORS})
    def get(self, request, action_id):
        action = async_action_find(store=self.store, action_id=action_id)
        if action is None:
            raise ApiResourceNotFound("async_action", action_id)
        return Response(async_action_representation(action))


class ExportView(VoucherifyView):
    renderer_classes = [JSONRenderer, PlainTextRenderer]

    @extend_schema(operation_id="get_export", tags=TAGS, parameters=[TOKEN],
                   responses={(200, "application/json"): schema.ApiExportOutput,
                              (200, "text/plain"): OpenApiTypes.STR, **ERRORS})
    def get(self, request, export_id):
        export = _export(self.store, export_id)
        if "token" in request.query_params:
            return _csv_response(export, request.query_params["token"])
        return Response(export_representation(export, request))


class ExportDownloadView(VoucherifyView):
    renderer_classes = [PlainTextRenderer, JSONRenderer]

    @extend_schema(operation_id="download_export", tags=TAGS, parameters=[TOKEN],
                   responses={(200, "text/plain"): OpenApiTypes.STR, **ERRORS})
    def get(self, request, export_id):
        return _csv_response(_export(self.store, export_id), request.query_params.get("token", ""))


class UnknownRouteView(VoucherifyView):
    """Any other /v1 path: 401 without a key, else 404, both in Voucherify's shape."""

    schema = None

    def _not_found(self, request, *args, **kwargs):
        raise NotFound(f"No route {request.path}")

    get = post = put = patch = delete = _not_found


def _export(store, export_id: str) -> OrderExport:
    export = order_export_find(store=store, export_id=export_id)
    if export is None:
        raise ApiResourceNotFound("export", export_id)
    return export


def _csv_response(export: OrderExport, token: str) -> FileResponse:
    if not export_download_token_valid(export, token):
        raise AuthenticationFailed("Wrong download token.")
    if export.status != OrderExport.Status.DONE or not export.file:
        raise ExportNotReady(details=f"Export {export.pk} is {export.status}.")
    # text/plain: the SDK refuses text/csv ("Unsupported content type").
    return FileResponse(export.file.open("rb"), content_type="text/plain; charset=utf-8", as_attachment=True,
                        filename=f"{export.pk}.csv")
