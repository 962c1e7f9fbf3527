"""Log records as structured events (structlog): one JSON object a line, or plain text for a terminal.

LOGGING names `formatter` as its formatter factory, so the logging configuration and structlog's
are made in one place. Every record goes through structlog's ProcessorFormatter, whether it comes
from a structlog logger (django-structlog's request line) or from the standard library
(`logger.info(...)` in services): each carries what is bound for the request or task being served
(request_id, user_id, ip; task_id in a worker).
"""
import logging

import structlog

RENDERERS = ("json", "plain")


def _shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def formatter(renderer: str = "json") -> logging.Formatter:
    """The formatter of LOGGING's handlers: `json` (production) or `plain` (key=value text, `make run`).
    Configures structlog's loggers to hand their events to it."""
    if renderer not in RENDERERS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(RENDERERS)}, not {renderer!r}")
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    if renderer == "json":
        # Tracebacks as one string field: a record stays one line, and no frame's local variables are written.
        final = [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    else:
        final = [structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *final],
    )
