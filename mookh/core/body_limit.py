"""Request bodies larger than their route allows are answered 413 before any of them is read.

Django reads at most Content-Length bytes of a body (a body without one reads as empty), so the
header is all there is to check. The limit is REQUEST_BODY_MAX_BYTES, UPLOAD_BODY_MAX_BYTES for
multipart uploads, or the route's own in REQUEST_BODY_MAX_BYTES_BY_ROUTE.
"""
from django.conf import settings
from django.http import JsonResponse


def body_limit(request) -> int:
    match = request.resolver_match
    by_route = settings.REQUEST_BODY_MAX_BYTES_BY_ROUTE
    if match is not None and match.url_name in by_route:
        return by_route[match.url_name]
    if request.content_type == "multipart/form-data":
        return settings.UPLOAD_BODY_MAX_BYTES
    return settings.REQUEST_BODY_MAX_BYTES


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads such a body as empty too


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = body_limit(request)
        if _declared_length(request) <= limit:
            return None
        return JsonResponse({"detail": f"The request body is larger than {limit} bytes.",
                             "code": "body_too_large", "max_bytes": limit}, status=413)
