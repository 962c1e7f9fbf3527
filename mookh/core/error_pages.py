"""Answers for requests that no view answers (an unknown path) or that crash outside DRF's
exception handler: JSON like every other API error. The admin keeps Django's HTML pages."""
from django.conf import settings
from django.http import JsonResponse
from django.urls import NoReverseMatch, reverse
from django.views import defaults


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
