"""The /v1 routes' HTTP plumbing: key authentication, JSON bodies (an empty one is {}), limits,
errors in Voucherify's shape whatever the Accept header, and a request id on every answer."""
import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from mookh.core.request_log import request_id_of
from mookh.core.throttling import LimitThrottle
from orders.voucherify.api.errors import request_id_new, voucherify_exception_handler
from stores.api.authentication import StoreApiKeyAuthentication
from stores.models import StoreApiKey


class BoundedJSONParser(JSONParser):
    """JSON of at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (DRF itself reads a body of any size)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise ParseError(f"The body is larger than {limit} bytes.")
        try:
            return json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


class PlainTextRenderer(BaseRenderer):
    """Lets a download asked for with `Accept: text/plain` through content negotiation."""

    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, (str, bytes)) else json.dumps(data)


def _per(scope: str, identify, keyed_by: str) -> type[LimitThrottle]:
    return type(f"Voucherify_{scope}", (LimitThrottle,),
                {"scope": scope, "keyed_by": keyed_by, "identify": staticmethod(identify)})


def _api_key(request, view) -> list[str]:
    return [request.auth.app_id] if isinstance(request.auth, StoreApiKey) else []


def _store(request, view) -> list[str]:
    return [str(request.auth.store_id)] if isinstance(request.auth, StoreApiKey) else []


PER_API_KEY = _per("voucherify_requests", _api_key, "key")
IMPORTS_PER_STORE = _per("voucherify_imports", _store, "store")
EXPORTS_PER_STORE = _per("voucherify_exports", _store, "store")


class VoucherifyView(APIView):
    authentication_classes = [StoreApiKeyAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser]
    renderer_classes = [JSONRenderer]
    throttle_classes = [PER_API_KEY]

    @property
    def store(self):
        return self.request.auth.store

    def initial(self, request, *args, **kwargs):
        # The id the whole request is logged under, so an error's request_id finds its log lines.
        request.request_id = request_id_of(request) or request_id_new()
        super().initial(request, *args, **kwargs)

    def get_exception_handler(self):
        return voucherify_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:
            # Errors are JSON even for a client that asked for text (a CSV download).
            response.accepted_renderer, response.accepted_media_type = JSONRenderer(), "application/json"
        request_id = getattr(request, "request_id", None)
        if request_id:
            response["X-Request-Id"] = request_id
        return response
