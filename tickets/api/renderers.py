"""Non-JSON answers: a ticket page buyers open in a browser, and the QR code image."""
from pathlib import Path

from django.template import Context, Engine
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

_ENGINE = Engine(dirs=[str(Path(__file__).resolve().parent.parent / "templates")], autoescape=True)


class TicketPageRenderer(BaseRenderer):
    """The order's tickets as an HTML page, each with its QR code (browsers ask for text/html)."""

    media_type = "text/html"
    format = "html"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        data = data or {}
        tickets = data.get("tickets") or ([data] if "qr_url" in data else [])
        request = (renderer_context or {}).get("request")
        # The page's <style> runs under the Content-Security-Policy's nonce (mookh.core.security).
        nonce = str(getattr(request, "csp_nonce", "")) if request is not None else ""
        context = Context({"tickets": tickets, "detail": data.get("detail"), "csp_nonce": nonce})
        return _ENGINE.get_template("tickets.html").render(context).encode("utf-8")


class PNGRenderer(BaseRenderer):
    media_type = "image/png"
    format = "png"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class ImageNegotiation(DefaultContentNegotiation):
    """An <img> asks for image/*, a curl for */*: the answer is the PNG whatever the Accept header."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
