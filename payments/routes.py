"""Absolute URLs of this app's routes, as browsers and providers reach this API (PUBLIC_BASE_URL)."""
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def public_url(name: str, **kwargs) -> str:
    """The route `name` under PUBLIC_BASE_URL, with its final slash."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(name, kwargs=kwargs).rstrip("/") + "/"


def origin(url: str) -> str:
    """`https://host:port` of a URL: what a Content-Security-Policy source names."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
