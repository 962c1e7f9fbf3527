"""Answers for requests that no view answers (an unknown path) or that crash outside DRF's
exception handler: JSON like every other API error. The admin keeps Django's HTML pages.
A database that cannot be reached is a 503 with Retry-After everywhere, as in the API."""
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.urls import NoReverseMatch, reverse
from django.views import defaults

from mookh.core.errors import DatabaseUnavailable


def _admin_page(request) -> bool:
    try:
        return request.path.startswith(reverse("admin:index"))
    except NoReverseMatch:
        return False


def page_not_found(request, exception=None):
    if _admin_page(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request):
    # Django calls this while handling the exception, so it is still the current one.
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        error = DatabaseUnavailable()
        response = JsonResponse({"detail": error.message, "code": error.code}, status=error.status)
        response["Retry-After"] = str(error.retry_after)
        return response
    if _admin_page(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": "A server error occurred.", "code": "server_error"}, status=500)


class JsonNotFoundMiddleware:
    """With DEBUG on (`make run`) Django answers an unknown path with its HTML debug page before
    `handler404` is consulted: answer JSON there too, so that clients see what production sends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (settings.DEBUG and response.status_code == 404 and not hasattr(response, "accepted_renderer")
                and response.get("Content-Type", "").startswith("text/html") and not _admin_page(request)):
            return page_not_found(request)
        return response
