"""HTML answers of the payment pages: Django templates, each page with its own Content-Security-Policy.

The project's default policy for HTML (mookh.core.security) allows no script; these pages load
one script file from this host (the status poll, the auto-posted gateway forms) and post forms
to this host and, where they hand the buyer over, to the card gateway or the receipt page.
"""
from csp.constants import NONE, SELF
from django.http import HttpResponse
from django.template.loader import render_to_string
from rest_framework.authentication import CSRFCheck

from mookh.core.security import policy_set
from payments.routes import origin

POLICY = {"default-src": [NONE], "script-src": [SELF], "connect-src": [SELF], "img-src": [SELF, "data:"],
          "style-src": [SELF], "base-uri": [NONE], "frame-ancestors": [NONE]}


def page_policy(*form_targets: str) -> dict:
    """The policy (django-csp directives) of a page whose forms post to this host and to `form_targets` (URLs)."""
    return {**POLICY, "form-action": [SELF, *sorted({origin(url) for url in form_targets if url})]}


def html_page(request, template: str, context: dict, *, status: int = 200, form_targets=()) -> HttpResponse:
    """A page rendered with the request (its CSRF token), never cached (it shows live payment state)."""
    request = getattr(request, "_request", request)  # a DRF request renders as its Django request
    response = HttpResponse(render_to_string(template, context, request=request), status=status)
    policy_set(response, page_policy(*form_targets))
    response["Cache-Control"] = "no-store"
    return response


def too_many_requests_page(request, seconds: int) -> HttpResponse:
    """The 429 of a page a browser shows (the caller sets Retry-After)."""
    return html_page(request, "payments/receipt.html", {
        "tone": "error", "heading": "Too many requests", "text": f"Wait {seconds} seconds and reload."}, status=429)


def csrf_refusal(request) -> str | None:
    """Why Django's CSRF protection refuses this form post, or None when it passes."""
    request = getattr(request, "_request", request)
    check = CSRFCheck(lambda _request: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})
