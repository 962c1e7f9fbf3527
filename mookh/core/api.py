"""HTTP plumbing shared by every app: error rendering, pagination, slash-optional routing."""
import logging
import re

from django.db import InterfaceError, OperationalError
from django.urls import re_path
from rest_framework import exceptions, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from mookh.core import errors
from mookh.core.errors import DatabaseUnavailable, DomainError, InvalidInput, LockTimeout
from mookh.core.throttling import address_limits_hit

logger = logging.getLogger(__name__)

# What DRF refuses before it reaches a view's throttles: authentication, then permissions run first.
REFUSED_BEFORE_LIMITS = (exceptions.AuthenticationFailed, exceptions.NotAuthenticated, exceptions.PermissionDenied,
                         errors.PermissionDenied)
# PostgreSQL errors that mean "try again in a moment", not "your request is wrong".
BUSY_SIGNS = ("lock timeout", "deadlock detected", "could not serialize access")


def exception_handler(exc, context):
    exc = _throttled_if_over_address_limits(exc, context)
    if isinstance(exc, InvalidInput):
        return Response(exc.fields, status=exc.status)
    if isinstance(exc, OperationalError) and any(sign in str(exc) for sign in BUSY_SIGNS):
        logger.warning("database busy on %s: %s", context["request"].path, str(exc).splitlines()[0])
        exc = LockTimeout()
    elif isinstance(exc, (OperationalError, InterfaceError)):
        logger.warning("database unavailable on %s: %s", context["request"].path, str(exc).splitlines()[0])
        exc = DatabaseUnavailable()
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code, **exc.details}
        response = Response(body, status=exc.status)
        if exc.status in (status.HTTP_429_TOO_MANY_REQUESTS, status.HTTP_503_SERVICE_UNAVAILABLE):
            response["Retry-After"] = str(getattr(exc, "retry_after", 1))
        logger.info("domain error %s on %s", exc.code, context["request"].path)
        return response
    return drf_exception_handler(exc, context)


def _throttled_if_over_address_limits(exc, context):
    """A request refused before its limits were counted (a made-up token, no rights) still counts
    against the view's per-address limits, and gets their 429 once over: refusals are no way round them."""
    request, view = context.get("request"), context.get("view")
    if not isinstance(exc, REFUSED_BEFORE_LIMITS) or request is None or view is None:
        return exc
    wait = address_limits_hit(request, view)
    return exceptions.Throttled(wait) if wait else exc


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        """A page_size that is not a whole number of at least 1 is a 400, not silently the default;
        one above the maximum is the maximum."""
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,9}", value) or int(value) < 1:
            raise ValidationError({self.page_size_query_param: ["A whole number of at least 1 is required."]})
        return min(int(value), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = 999_999_999
            else:  # "last" is the last page (Django's paginator), "" the first
                parameter["schema"] = {"oneOf": [parameter["schema"], {"type": "string", "enum": ["last", ""]}]}
        return parameters


# Every id in a path is a UUID: a malformed one is a 404 from routing, never a database error.
UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class Router(DefaultRouter):
    """Every route answers with and without the trailing slash (the seeds use both), and detail
    routes match only UUIDs unless a viewset says otherwise (`lookup_value_regex`)."""

    include_root_view = False
    include_format_suffixes = False

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        value = getattr(viewset, "lookup_value_regex", UUID_PATTERN)
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{value})"


def optional_slash_path(route: str, view, name: str | None = None):
    """`path()` for a fixed route (no converters) that also matches without its final slash."""
    pattern = "^" + route.rstrip("/") + "/?$"
    return re_path(pattern, view, name=name)
