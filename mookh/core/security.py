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
# Swagger UI and ReDoc load from this host's static files (drf-spectacular-sidecar): scripts from
# 'self' only (Swagger UI's start-up script is a separate file), the pages' own inline <style>, and
# ReDoc's search worker from a blob: URL.
DOCS_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
DOCS_VIEWS = (SpectacularSwaggerView, SpectacularRedocView)
# The admin brings its own scripts and gets no policy here.
UNPOLICED_NAMESPACES = {"admin"}


def _is_html(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().lower() == "text/html"


def _unpoliced(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and bool(UNPOLICED_NAMESPACES.intersection(match.namespaces))


def _docs_page(request) -> bool:
    match = getattr(request, "resolver_match", None)
    view_class = getattr(match.func, "view_class", None) if match is not None else None
    return view_class is not None and issubclass(view_class, DOCS_VIEWS)


class ContentSecurityPolicyMiddleware:
    """Sets the policy on text/html responses that have none; a view may set a policy of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER in response or not _is_html(response) or _unpoliced(request):
            return response
        renderer = getattr(response, "accepted_renderer", None)
        if _docs_page(request):
            response[HEADER] = DOCS_POLICY
        elif isinstance(renderer, BrowsableAPIRenderer):
            response[HEADER] = BROWSABLE_API_POLICY
        else:
            response[HEADER] = PAGE_POLICY
        return response
