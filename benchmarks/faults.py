"""Faults: what clients see while Redis or PostgreSQL is down, or a gunicorn worker is killed.

Throw-away servers of its own (tests/faults/servers.py): a PostgreSQL holding the project with one
store, a Redis as broker (and cache), gunicorn with 2 workers. Figures printed:
  redis      a pay-later order placed through the API (in this process) with Redis up, stopped
             (refused) and hung (SIGSTOP: nothing answers), after one order while it was up: answers
             and ms per order, "retrying" as Celery publishes unless told otherwise (retries with
             pauses between them, sockets without a timeout) and with "settings" (mookh/settings.py:
             one attempt, short timeouts, a pause after a failure); then with the cache on the same
             Redis, as when CACHE_URL is unset
  postgres   a stream of orders (4 clients) while PostgreSQL restarts (down 2 s): answers by status
             in the gap and after it, 503s without Retry-After, time until the first order after it,
             orders answered 201 but missing, half-written orders; with and without
             DATABASE_CONN_HEALTH_CHECKS
  gunicorn   a stream of orders (6 clients) while 3 workers are killed (SIGKILL): answers, requests
             cut short, orders answered 201 but missing, orders placed for a cut request
Run with `make bench` or `python -m benchmarks.faults` (same environment as `make test`).
"""
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from pathlib import Path

from tests.faults.servers import ROOT, GunicornServer, PostgresServer, RedisServer

ORDERS = 6
NO_ANSWER_AFTER = 10.0  # seconds: an order still waiting then is reported as "no answer"
DOWN_SECONDS = 2
# Publishing as Celery and kombu do unless told otherwise (the retry policy the outbox used).
RETRYING = {"broker_transport_options": {"max_retries": 1, "socket_connect_timeout": 2}, "task_publish_retry": True,
          "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                                        "interval_max": 0.5}}


def _order_body(ticket_id: str) -> dict:
    n = uuid.uuid4().int % 100_000_000
    return {"currency": "KES", "payment_method": "MOBILE", "response_type": "json", "is_pay_later": True,
            "customer": {"name": "Fan", "email": f"bench{n}@example.com", "phone_number": f"+2547{n:08d}"},
            "order_detail": [{"item_id": ticket_id, "type_name": "store.ticket", "item_quantity": 1}]}


def _order_timed(ticket_id: str) -> tuple[int | None, float]:
    """(status, seconds) of one order through the API; (None, cap) when it waits past the cap."""
    from django.db import connection
    from django.test import Client

    result = []

    def place():
        try:
            response = Client(raise_request_exception=False).post(
                "/stores/orders/", json.dumps(_order_body(ticket_id)), content_type="application/json")
            result.append(response.status_code)
        finally:
            connection.close()

    started = time.perf_counter()
    thread = threading.Thread(target=place, daemon=True)
    thread.start()
    thread.join(NO_ANSWER_AFTER)
    return (result[0] if result else None), time.perf_counter() - started


def _report_orders(label: str, timings: list) -> None:
    statuses: dict = {}
    for status, _ in timings:
        statuses[status or "no answer"] = statuses.get(status or "no answer", 0) + 1
    ms = [seconds * 1000 for _, seconds in timings]
    print(f"  {label:<44} {statuses}  first {ms[0]:7.0f} ms, median {statistics.median(ms):7.0f} ms, "
          f"max {max(ms):7.0f} ms", flush=True)


def _broker_configure(url: str, conf: dict) -> None:
    from mookh.celery import app as celery_app

    celery_app.conf.update(broker_url=url, broker_write_url=url, task_always_eager=False, **conf)
    # Connection pools and the task sender (its publish retry policy) keep the settings of their first use.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    vars(celery_app.amqp).pop("send_task_message", None)


def _bench_redis(ticket_id: str) -> None:
    """Each line on a Redis of its own: what a process learnt of one outage does not help the next."""
    from django.conf import settings
    from django.test.utils import override_settings

    from mookh.celery import app as celery_app

    configured = {name: celery_app.conf[name] for name in RETRYING}
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    pause = getattr(settings, "SERVER_DOWN_PAUSE_SECONDS", 0)
    print(f"redis: {ORDERS} pay-later orders a line (2 messages each), through the API in this process", flush=True)
    lines = [("retrying", RETRYING, 0, False), ("settings", configured, pause, False),
             ("settings, cache on it too", configured, pause, True)]
    for label, conf, pause, shared_cache in lines:
        for state in ("up", "stopped", "hung"):
            if state == "up" and shared_cache:
                continue
            with RedisServer() as redis:
                # As settings would configure a cache at CACHE_URL (unset: db 1 of the broker's Redis).
                caches = {"default": {**settings.CACHES["default"], "LOCATION": redis.url(1)}} if shared_cache else locmem
                _broker_configure(redis.url(), conf)
                with override_settings(CACHES=caches, SERVER_DOWN_PAUSE_SECONDS=pause):
                    _order_timed(ticket_id)  # not counted: connections are open when Redis goes away
                    if state == "stopped":
                        redis.stop()
                    if state == "hung":
                        redis.freeze()
                    # A publish that never returns keeps its thread: one order shows it.
                    count = 1 if state == "hung" and label == "retrying" else ORDERS
                    _report_orders(f"{label}: Redis {state}", [_order_timed(ticket_id) for _ in range(count)])


def _site_env(database_url: str, **extra) -> dict:
    return {"DATABASE_URL": database_url, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "CELERY_BROKER_URL": "memory://",
            "CELERY_TASK_ALWAYS_EAGER": "0", "CACHE_URL": "locmemcache://", "LOG_LEVEL": "CRITICAL", **extra}


def _bench_postgres(postgres: PostgresServer, ticket_id: str, log_dir) -> None:
    from tests.faults.stream import OrderStream, orders_found, orders_incomplete

    database_url = postgres.url("mookh")
    print(f"postgres: 4 clients ordering through gunicorn (2 workers); PostgreSQL stopped (fast shutdown) "
          f"and started again {DOWN_SECONDS} s later", flush=True)
    for checks in ("0", "1"):
        env = _site_env(database_url, DATABASE_CONN_HEALTH_CHECKS=checks)
        with GunicornServer(env=env, log=log_dir / f"gunicorn-postgres-{checks}.log") as site, \
                OrderStream(site.url, ticket_id) as stream:
            time.sleep(2)
            stopped_at = time.monotonic()
            postgres.stop()
            time.sleep(DOWN_SECONDS)
            postgres.start()
            back_at = time.monotonic()
            time.sleep(3)
        gap = [a for a in stream.answers if stopped_at <= a.at < back_at]
        after = [a for a in stream.answers if a.at >= back_at]
        first_order = min((a.at for a in after if a.status == 201), default=None)
        created = [a.order_number for a in stream.answers if a.status == 201]
        lost = len(set(created) - orders_found(database_url, created))
        print(f"  health checks {'on ' if checks == '1' else 'off'}: all {_statuses(stream.answers)}; in the gap "
              f"{_statuses(gap)}; after it {_statuses(after)}; 503 without Retry-After "
              f"{sum(1 for a in stream.answers if a.status == 503 and not a.retry_after)}; first order "
              f"{(first_order - back_at) * 1000 if first_order else float('nan'):.0f} ms after the restart; "
              f"201 but missing {lost}; half-written {len(orders_incomplete(database_url))}", flush=True)


def _bench_gunicorn(postgres: PostgresServer, ticket_id: str, log_dir) -> None:
    from tests.faults.stream import OrderStream, orders_found, orders_incomplete, orders_of_buyers

    database_url = postgres.url("mookh")
    with GunicornServer(env=_site_env(database_url), log=log_dir / "gunicorn-kill.log") as site, \
            OrderStream(site.url, ticket_id, clients=6) as stream:
        for _ in range(3):
            time.sleep(1)
            os.kill(site.worker_pids()[0], signal.SIGKILL)
        time.sleep(2)
    created = [a.order_number for a in stream.answers if a.status == 201]
    cut = [a.buyer for a in stream.answers if a.status is None]
    print(f"gunicorn: 6 clients, 2 workers, one killed (SIGKILL) every second 3 times: {_statuses(stream.answers)}; "
          f"201 but missing {len(set(created) - orders_found(database_url, created))}; half-written "
          f"{len(orders_incomplete(database_url))}; cut short but placed {len(orders_of_buyers(database_url, cut))} "
          f"of {len(cut)}", flush=True)


def _statuses(answers) -> dict:
    counts: dict = {}
    for answer in answers:
        key = answer.status or "cut"
        counts[key] = counts.get(key, 0) + 1
    return counts


def main() -> None:
    log_dir = Path(tempfile.mkdtemp(prefix="mookh-bench-faults-"))
    postgres = PostgresServer()
    try:
        postgres.start()
        database_url = postgres.create_database("mookh")
        seeded = subprocess.run([sys.executable, "-m", "tests.faults.seed", database_url], cwd=ROOT, check=True,
                                capture_output=True, text=True)
        ticket_id = json.loads(seeded.stdout.strip().splitlines()[-1])["ticket_id"]
        os.environ.update(DATABASE_URL=database_url, CACHE_URL="redis://127.0.0.1:1/1", LOG_LEVEL="CRITICAL",
                          ALLOWED_HOSTS="testserver", DJANGO_SETTINGS_MODULE="mookh.settings")
        import django

        warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic here
        django.setup()
        _bench_redis(ticket_id)
        _bench_postgres(postgres, ticket_id, log_dir)
        _bench_gunicorn(postgres, ticket_id, log_dir)
    finally:
        postgres.remove()
        shutil.rmtree(log_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
