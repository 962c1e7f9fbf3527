"""Errors to Sentry (settings call `sentry_init` when SENTRY_DSN is set): unhandled errors in web
requests and Celery tasks, and records logged at ERROR.

Nothing personal leaves by default: no user, cookies, client address or request body, no local
variables of the failing frames, no query strings, and secret path segments (callback tokens)
replaced in the URL.
"""
import sentry_sdk
import structlog
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import ignore_logger

# Its request lines are logged at ERROR for 5xx answers: the error itself reaches Sentry once, from Django.
REQUEST_LINE_LOGGER = "django_structlog.middlewares.request"


def _event_prepared(event, hint):
    """Tagged with the request_id of the request (or of the request that queued the task) it comes
    from, as the log lines are; scrubbed of what could be personal."""
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    request = event.get("request")
    if isinstance(request, dict):
        from mookh.core.request_log import url_redacted  # routing is ready by the time an event is sent

        if request.get("url"):
            request["url"] = url_redacted(request["url"])
        request.pop("query_string", None)
        request.pop("data", None)
        request.pop("cookies", None)
    return event


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=_event_prepared,
    )
    ignore_logger(REQUEST_LINE_LOGGER)
