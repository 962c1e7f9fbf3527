"""A Content-Security-Policy on every HTML page the API serves (django-csp): ticket pages, payment
pages, the API docs, DRF's browsable API, error pages.

CONTENT_SECURITY_POLICY (settings) is the policy of the project's own templates; the docs and the
browsable API get theirs here; a view sets its page's own with `policy_set`. JSON, images and the
admin (which brings its own scripts) get none.
"""
from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.renderers import BrowsableAPIRenderer

HEADER = "Content-Security-Policy"

# DRF's browsable API loads its scripts, styles and fonts from this host's static files.
BROWSABLE_API_POLICY = {"default-src": [SELF], "img-src": [SELF, "data:"], "style-src": [SELF, "'unsafe-inline'"],
                        "base-uri": [NONE], "form-action": [SELF], "frame-ancestors": [NONE]}
# Swagger UI and ReDoc load from this host's static files (drf-spectacular-sidecar): scripts from
# 'self' only (Swagger UI's start-up script is a separate file), the pages' own inline <style>, and
# ReDoc's search worker from a blob: URL.
DOCS_POLICY = {"default-src": [SELF], "script-src": [SELF], "style-src": [SELF, "'unsafe-inline'"],
               "img-src": [SELF, "data:"], "worker-src": [SELF, "blob:"], "object-src": [NONE],
               "base-uri": [NONE], "form-action": [SELF], "frame-ancestors": [NONE]}
DOCS_VIEWS = (SpectacularSwaggerView, SpectacularRedocView)
UNPOLICED_NAMESPACES = {"admin"}


def policy_set(response, directives: dict) -> None:
    """Give one response its own policy (django-csp's csp_override decorator, for a policy that
    depends on the request: where a page's forms post)."""
    response._csp_config = directives


def _is_html(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().lower() == "text/html"


def _unpoliced(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and bool(UNPOLICED_NAMESPACES.intersection(match.namespaces))


def _docs_page(request) -> bool:
    match = getattr(request, "resolver_match", None)
    view_class = getattr(match.func, "view_class", None) if match is not None else None
    return view_class is not None and issubclass(view_class, DOCS_VIEWS)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, on text/html answers only, with the docs' and the browsable API's policies."""

    def process_response(self, request, response):
        if not _is_html(response) or _unpoliced(request):
            return response  # no header: not even a policy to build (every JSON answer passes here)
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None:
            if _docs_page(request):
                parts.config = DOCS_POLICY
            elif isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
                parts.config = BROWSABLE_API_POLICY
        return parts
