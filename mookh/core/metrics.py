"""Business counters for Prometheus, and the `/metrics` page that serves them with django-prometheus's.

Apps count through the functions here, never through prometheus_client, so that what is counted
and under which names stays in one place. An event counts once the transaction that makes it
commits (an order rolled back was never placed); an answer counts when it is given.

Under gunicorn every worker process counts on its own: with PROMETHEUS_MULTIPROC_DIR set (a
directory shared by the workers, emptied when the server starts: gunicorn.conf.py),
prometheus_client writes the counts there and a scrape adds up every process's. Gauges listed in
METRICS_GAUGES are read when the page is scraped.
"""
import hmac
import logging
import os

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from mookh.core.throttling import client_address, limit_hit, limit_reached

logger = logging.getLogger(__name__)
METRICS_FAILURES = "metrics_failures"

ORDERS_PLACED = Counter("mookh_orders_placed", "Orders placed, by channel and payment method.",
                        ["channel", "payment_method"])
SOLD_OUT_ANSWERS = Counter("mookh_sold_out_answers",
                           "Orders and quotes refused because a ticket type had too few units left.")
PAYMENTS_CREDITED = Counter("mookh_payments_credited", "Payments credited to orders, by provider.", ["provider"])
CALLBACKS_REJECTED = Counter("mookh_payment_callbacks_rejected",
                             "Provider callbacks that credited nothing because they could not be read, "
                             "authenticated or matched to a payment attempt, by provider and reason.",
                             ["provider", "reason"])


def order_placed(*, channel: str, payment_method: str) -> None:
    transaction.on_commit(lambda: ORDERS_PLACED.labels(channel=channel, payment_method=payment_method).inc())


def sold_out_answered() -> None:
    SOLD_OUT_ANSWERS.inc()


def payment_credited(*, provider: str) -> None:
    transaction.on_commit(lambda: PAYMENTS_CREDITED.labels(provider=provider).inc())


def callback_rejected(*, provider: str, reason: str) -> None:
    transaction.on_commit(lambda: CALLBACKS_REJECTED.labels(provider=provider, reason=reason).inc())


class _GaugesReadNow:
    """METRICS_GAUGES ({name: dotted path of a callable() -> number, whose docstring's first line
    is the gauge's help}) read at scrape time. One that cannot be read is left out of that scrape."""

    def collect(self):
        for name, path in settings.METRICS_GAUGES.items():
            read = import_string(path)
            try:
                value = read()
            except DatabaseError as exc:
                logger.warning("gauge %s not read: %s", name, exc)
                continue
            yield GaugeMetricFamily(name, (read.__doc__ or name).strip().splitlines()[0], value=value)


def _registry():
    """Every process's counts under gunicorn (PROMETHEUS_MULTIPROC_DIR), else this process's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _token_given(request) -> bool:
    expected = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(expected) and hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


@csrf_exempt  # changes nothing; a refused POST must look like an unknown path too, not a CSRF failure
def metrics_page(request):
    """Prometheus's text format, for a scraper that sends `Authorization: Bearer METRICS_TOKEN`.
    Without the token (or with none configured), or with another method than GET, the page
    answers like a path that does not exist."""
    address = client_address(request)
    # Over the limit of refusals, even the right token is refused: a token cannot be guessed.
    if limit_reached(METRICS_FAILURES, address) or request.method not in ("GET", "HEAD") \
            or not _token_given(request):
        limit_hit(METRICS_FAILURES, address)
        raise Http404
    body = generate_latest(_registry()) + generate_latest(_GaugesReadNow())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


metrics_page.limit_scopes = (METRICS_FAILURES,)
