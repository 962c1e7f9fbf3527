"""One log line per request, and the request id that ties a request's lines together.

django-structlog's RequestMiddleware writes the line: `request_finished` (or `request_failed`, with
the traceback, for an error no handler knows) with method, path, status, duration_ms, user_id, ip
and request_id; every other line logged while the request is served carries request_id, user_id
and ip too. Its `request_started` line is logged at DEBUG (DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL).

The request id is the client's `X-Request-ID` when that is a short plain token, else a new UUID,
and the response carries it back in `X-Request-ID`. Paths are logged without their query string,
and with secret path segments (callback tokens, download tokens) replaced.
"""
import re
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import structlog
from django.dispatch import receiver
from django.urls import Resolver404, resolve
from django_structlog import signals

from mookh.core.throttling import client_address

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
# What a proxy or a client may name a request with: UUIDs, hex ids, ids like "Root=1-5f8a-…";
# nothing that could break a log line or a header (spaces, quotes, control characters, non-ASCII).
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")
# Route keyword arguments that are credentials: logged as REDACTED.
SECRET_ROUTE_ARGUMENTS = frozenset({"token"})
REDACTED = "[redacted]"


def request_id_accepted(value: str) -> bool:
    return bool(_ACCEPTED_ID.fullmatch(value or ""))


def request_id_of(request) -> str | None:
    """The id RequestIdMiddleware gave the request (None outside a request it served)."""
    return request.META.get(_META_KEY) or None


class RequestIdMiddleware:
    """Placed before django-structlog's middleware, which then takes the id from X-Request-ID
    (DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID): a client's id that is not a plain token is
    replaced before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get(_META_KEY, "")
        request_id = given if request_id_accepted(given) else str(uuid.uuid4())
        request.META[_META_KEY] = request_id
        request.__dict__.pop("headers", None)  # request.headers is cached from META: read it anew
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def path_redacted(path: str, *, path_info: str | None = None, match=None) -> str:
    """`path` with the values of secret route arguments replaced. `match`: the request's
    resolver_match when it was routed already; else `path_info` (the path without any script
    prefix) is routed here."""
    if match is None:
        try:
            match = resolve(path_info or path)
        except Resolver404:
            return path
    secrets = {str(match.kwargs[name]) for name in SECRET_ROUTE_ARGUMENTS.intersection(match.kwargs)}
    if not secrets:
        return path
    return "/".join(REDACTED if segment in secrets else segment for segment in path.split("/"))


def _path_logged(request) -> str:
    return path_redacted(request.path, path_info=request.path_info, match=getattr(request, "resolver_match", None))


def url_redacted(url: str) -> str:
    """A full URL with secret path segments replaced and without its query string."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=path_redacted(parts.path), query="", fragment=""))


def _line(request, **fields) -> dict:
    started = getattr(request, "_log_started", None)
    duration = round((time.monotonic() - started) * 1000, 1) if started is not None else None
    return {"method": request.method, "path": _path_logged(request), **fields,
            "duration_ms": duration}


@receiver(signals.bind_extra_request_metadata)
def _request_started(sender, request, logger, log_kwargs, **kwargs):
    request._log_started = time.monotonic()
    # The address the throttles count (X-Forwarded-For only behind NUM_PROXIES trusted proxies).
    structlog.contextvars.bind_contextvars(ip=client_address(request))
    log_kwargs.clear()
    # Not routed yet: the path (secrets redacted once routed) is on the request_finished line.
    log_kwargs.update(method=request.method)


@receiver(signals.bind_extra_request_finished_metadata)
def _request_finished(sender, request, logger, response, log_kwargs, **kwargs):
    log_kwargs.clear()
    log_kwargs.update(_line(request, status=response.status_code))


@receiver(signals.bind_extra_request_failed_metadata)
def _request_failed(sender, request, logger, exception, log_kwargs, **kwargs):
    log_kwargs.clear()
    log_kwargs.update(_line(request, status=500))
