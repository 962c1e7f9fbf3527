"""Errors in Voucherify's shape, on the /v1 routes only (Mookh routes keep theirs):

    {"code": 404, "key": "not_found", "message": "Resource not found",
     "details": "Cannot find order with id ord_123", "request_id": "v-0b45cee140c3c9b5ca"}
"""
import logging
import secrets

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import OperationalError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from mookh.core.api import BUSY_SIGNS
from mookh.core.errors import DomainError, InvalidInput, LockTimeout

logger = logging.getLogger(__name__)

KEYS = {
    exceptions.NotAuthenticated: (401, "unauthorized", "Unauthorized"),
    exceptions.AuthenticationFailed: (401, "unauthorized", "Unauthorized"),
    exceptions.PermissionDenied: (403, "forbidden", "Forbidden"),
    exceptions.NotFound: (404, "not_found", "Resource not found"),
    exceptions.MethodNotAllowed: (405, "method_not_allowed", "Method not allowed"),
    exceptions.NotAcceptable: (406, "not_acceptable", "Not acceptable"),
    exceptions.UnsupportedMediaType: (415, "unsupported_media_type", "Unsupported media type"),
    exceptions.Throttled: (429, "too_many_requests", "Too many requests"),
    exceptions.ParseError: (400, "invalid_payload", "Invalid payload"),
    exceptions.ValidationError: (400, "invalid_payload", "Invalid payload"),
}


def request_id_new() -> str:
    return f"v-{secrets.token_hex(9)}"


def voucherify_exception_handler(exc, context):
    request = context.get("request")
    if request is not None and not getattr(request, "request_id", None):
        request.request_id = request_id_new()
    if isinstance(exc, OperationalError) and any(sign in str(exc) for sign in BUSY_SIGNS):
        exc = LockTimeout()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    status, key, message, details, extra = _described(exc)
    if status is None:
        logger.exception("unhandled error on %s", getattr(request, "path", "?"), exc_info=exc)
        status, key, message, details, extra = 500, "internal_error", "Internal server error", "", {}
    body = {"code": status, "key": key, "message": message, "details": details,
            "request_id": getattr(request, "request_id", None) or request_id_new(), **extra}
    response = Response(body, status=status)
    if getattr(exc, "auth_header", None):
        response["WWW-Authenticate"] = exc.auth_header
    wait = getattr(exc, "wait", None)
    if status in (429, 503):
        response["Retry-After"] = str(int(wait or 1))
    return response


def _described(exc) -> tuple:
    """(status, key, message, details, extra body fields), or Nones for an unexpected error."""
    if isinstance(exc, InvalidInput):
        key = "invalid_payload" if exc.code == InvalidInput.code else exc.code
        return 400, key, "Invalid payload", fields_summary(exc.fields), {}
    if isinstance(exc, DomainError):
        extra = {name: str(exc.details[name]) for name in ("resource_id", "resource_type") if name in exc.details}
        details = exc.details.get("details") or exc.message
        return exc.status, exc.code, exc.message, str(details), extra
    for kind, (status, key, message) in KEYS.items():
        if isinstance(exc, kind):
            detail = exc.detail
            return status, key, message, fields_summary(detail) if isinstance(detail, (dict, list)) else str(detail), {}
    if isinstance(exc, exceptions.APIException):
        return exc.status_code, exc.default_code, str(exc.detail), str(exc.detail), {}
    return None, None, None, None, None


def fields_summary(errors, prefix: str = "") -> str:
    """{"items": {0: {"price": ["…"]}}} → "items.0.price: …" (the engine's order_detail is `items` here)."""
    if isinstance(errors, dict):
        parts = []
        for name, value in errors.items():
            name = "items" if name == "order_detail" else name
            parts.append(fields_summary(value, f"{prefix}.{name}" if prefix else str(name)))
        return "; ".join(part for part in parts if part)
    if isinstance(errors, list):
        if all(isinstance(item, str) for item in errors):
            return f"{prefix}: {' '.join(errors)}" if prefix else " ".join(errors)
        return "; ".join(fields_summary(item, f"{prefix}.{index}") for index, item in enumerate(errors) if item)
    return f"{prefix}: {errors}" if prefix else str(errors)
