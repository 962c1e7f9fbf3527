"""Every route the URL configuration serves, for tests that must cover each of them.

A test that keeps a table keyed by route name (authorization, limits…) compares its keys with
`api_routes()`, so that a new route fails that test until someone decides what it should do.
"""
import re
import uuid
from dataclasses import dataclass

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

# Django's own pages and the static/media file server are not the API.
NOT_API_PREFIXES = ("admin/", "^media/")
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    name: str  # the URL name, or the pattern for an unnamed route
    pattern: str  # the full regular expression / path, prefixes included
    methods: tuple[str, ...]  # upper-case HTTP methods the view answers (OPTIONS/HEAD left out)
    view: object  # the view callable

    @property
    def view_class(self):
        return getattr(self.view, "cls", None) or getattr(self.view, "view_class", None)


def _methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a viewset route: the router's method → action map (which DRF gives "head" once requested)
        return tuple(sorted(method.upper() for method in actions if method in HTTP_METHODS))
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return tuple(sorted(method.upper() for method in HTTP_METHODS if hasattr(view_class, method)))
    # A function view: what require_http_methods allowed, else every method reaches it.
    allowed = getattr(callback, "allowed_methods", None)
    return tuple(sorted(allowed)) if allowed else tuple(method.upper() for method in HTTP_METHODS)


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def api_routes() -> list[Route]:
    """Every non-admin route, each once (a name the URLconf repeats keeps its first pattern)."""
    routes: dict[str, Route] = {}
    for pattern, entry in _walk(get_resolver().url_patterns):
        if pattern.startswith(NOT_API_PREFIXES):
            continue
        name = entry.name or pattern
        routes.setdefault(name, Route(name, pattern, _methods(entry.callback), entry.callback))
    return list(routes.values())


def sample_path(route: Route) -> str:
    """A path that reaches the route's view: a new UUID for each id, "abc123" for other values."""
    names = re.findall(r"\(\?P<(\w+)>", route.pattern)
    uuids = [name for name in names if name.endswith(("pk", "_id")) and name not in ("action_id", "export_id")]
    try:
        return reverse(route.name, kwargs={name: str(uuid.uuid4()) if name in uuids else "abc123" for name in names})
    except NoReverseMatch:  # an unnamed catch-all (/v1/…): any path under its prefix
        return "/" + route.pattern.split("^")[0] + "no-such-route"
