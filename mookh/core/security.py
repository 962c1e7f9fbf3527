"""A Content-Security-Policy on every HTML page the API serves: ticket pages, payment pages, error pages."""
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.renderers import BrowsableAPIRenderer

HEADER = "Content-Security-Policy"

# Pages rendered from this project's templates: no scripts, no plugins, no frames; inline styles,
# and images from this host (QR codes) or data: URIs.
PAGE_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# DRF's browsable API loads its scripts, styles and fonts from this host's static files.
BROWSABLE_API_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# These pages bring their own scripts (Swagger UI and ReDoc from their CDN) and get no policy here.
UNPOLICED_VIEWS = (SpectacularSwaggerView, SpectacularRedocView)
UNPOLICED_NAMESPACES = {"admin"}


def _is_html(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().lower() == "text/html"


def _unpoliced(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    view_class = getattr(match.func, "view_class", None)
    return bool(UNPOLICED_NAMESPACES.intersection(match.namespaces)) or (
        view_class is not None and issubclass(view_class, UNPOLICED_VIEWS))


class ContentSecurityPolicyMiddleware:
    """Sets the policy on text/html responses that have none; a view may set a policy of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER in response or not _is_html(response) or _unpoliced(request):
            return response
        renderer = getattr(response, "accepted_renderer", None)
        response[HEADER] = BROWSABLE_API_POLICY if isinstance(renderer, BrowsableAPIRenderer) else PAGE_POLICY
        return response
