"""What the request log line, the request id and django-prometheus cost per request, and what a
/metrics scrape costs: requests through Django's handler in this process, with and without those
middlewares, the log lines written (at INFO, as JSON) to /dev/null.

Prints the median CPU time of this process per request of each variant (CPU time: other processes
on the machine sway it less than the clock), their difference, and the scrape's time.
"""
import logging
import os
import statistics
import time

from benchmarks.support import bench_database_url, django_setup

ROUNDS = int(os.environ.get("BENCH_OBSERVABILITY_ROUNDS", 7))
REQUESTS = int(os.environ.get("BENCH_OBSERVABILITY_REQUESTS", 300))
OBSERVING = ("django_prometheus.middleware.PrometheusBeforeMiddleware", "mookh.core.request_log.RequestIdMiddleware",
             "django_structlog.middlewares.RequestMiddleware", "django_prometheus.middleware.PrometheusAfterMiddleware")
PATHS = ("/stores/store_type/", "/no-such-page/")


def _round_ms(client, path: str) -> float:
    started = time.process_time()
    for _ in range(REQUESTS):
        client.get(path, HTTP_ACCEPT="application/json")
    return (time.process_time() - started) * 1000 / REQUESTS


def _compare(path: str, without: list) -> tuple[float, float]:
    """Median CPU ms per request with and without the observing middlewares, rounds interleaved."""
    from django.test import Client, override_settings

    observed, plain = [], []
    for _ in range(ROUNDS):
        observed.append(_round_ms(Client(), path))
        with override_settings(MIDDLEWARE=without):
            plain.append(_round_ms(Client(), path))
    return statistics.median(observed), statistics.median(plain)


def main() -> None:
    os.environ.update(LOG_LEVEL="INFO", LOG_FORMAT="json", METRICS_TOKEN="bench-token")
    django_setup(bench_database_url("mookh_bench_observability"))
    from django.conf import settings
    from django.test import Client

    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))
    settings.ALLOWED_HOSTS = ["testserver"]
    without = [name for name in settings.MIDDLEWARE if name not in OBSERVING]
    for path in PATHS:
        observed, plain = _compare(path, without)
        print(f"GET {path}: {observed:.3f} ms CPU per request with the log line, request id and metrics, "
              f"{plain:.3f} ms without: +{(observed - plain) * 1000:.0f} µs")
    client = Client()
    started = time.perf_counter()
    for _ in range(50):
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer bench-token").status_code == 200
    print(f"GET /metrics (one process, with the outbox backlog query): "
          f"{(time.perf_counter() - started) * 1000 / 50:.2f} ms per scrape")
