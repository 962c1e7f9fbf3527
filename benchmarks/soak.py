"""Soak: SOAK_SECONDS (600) of mixed traffic on the production shape — gunicorn, PostgreSQL, Redis,
a Celery worker and beat — then proof that nothing was lost.

Storefront reads, orders (pay now, pay later, abandoned until they expire), sandbox payments
delivering the providers' real callbacks, those callbacks replayed, and gate check-ins, each at a
steady rate (benchmarks/soak_traffic.py). Prints requests by route group and status with p50/p99,
the outbox backlog over time, each web worker's resident memory after warm-up and at the end, and
the checks (benchmarks/soak_checks.py): no 5xx, memory growth under 10 %, every paid order with
its tickets and its messages sent, every credited payment matching one order, none credited
twice. Exits 1 when a check fails.

Run with `make soak` (SOAK_SECONDS=120 for a short run). The server, worker and beat use a
database of their own, a queue of their own and Redis databases SOAK_REDIS_DB and the next one
(14 and 15 by default) of the machine's Redis. The entry point is `soak()`, not `main()`:
`make bench` runs every module's main() within a few minutes.
"""
import base64
import os
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.soak_checks import soak_checks
from benchmarks.soak_traffic import Catalog, Client, Tally, Traffic
from benchmarks.support import bench_database_url, django_setup
from tests.faults.servers import CeleryBeat, CeleryWorker, GunicornServer

SECONDS = int(os.environ.get("SOAK_SECONDS", 600))
WARM_UP = min(60, SECONDS // 5)  # memory is measured from here: imports and caches are in place by then
WEB_WORKERS = 3
CELERY_CONCURRENCY = 2  # connections: 3 web + 2 pool children + worker and beat + this process ≈ 10
REDIS_DB = int(os.environ.get("SOAK_REDIS_DB", 14))
# Per second. About what one busy on-sale evening sends one node: mostly browsing, an order every second.
RATES = {"reads": 6.0, "orders": 1.2, "replays": 0.4, "checkins": 0.8}
PAYMENT_WINDOW_MINUTES = 2  # the soak event's window, so that abandoned orders expire during the run
DRAIN_SECONDS = 180  # at most, for the worker to deliver what is left (the sweep runs every minute)
SAMPLE_EVERY = 5


def _environment(workdir: Path) -> dict[str, str]:
    """Settings shared by this process, gunicorn, the worker and beat (set before Django starts)."""
    broker = urlsplit(os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"))
    env = {
        "PAYMENTS_MODE": "sandbox", "DEBUG": "0", "LOG_LEVEL": "WARNING", "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "soak-secret-key-0123456789abcdef-0123456789"),
        "TICKET_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
        "CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_TASK_DEFAULT_QUEUE": f"mookh-soak-{uuid.uuid4().hex[:8]}",
        "CELERY_BROKER_URL": urlunsplit(broker._replace(path=f"/{REDIS_DB}")),
        # The sandbox providers, throttles and message limits count in the cache: one for all processes.
        "CACHE_URL": urlunsplit(broker._replace(path=f"/{REDIS_DB + 1}")),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(workdir / "emails"), "SMS_BACKEND": "file", "SMS_FILE_PATH": str(workdir / "sms.jsonl"),
        # Every buyer here comes from 127.0.0.1, where real ones come from thousands of addresses.
        "THROTTLE_PAYMENT_SANDBOX_ADDRESS": "100000/min", "THROTTLE_PAYMENT_CALLBACK_ADDRESS": "100000/min",
        "THROTTLE_API_ADDRESS": "100000/min",
        "PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher",
    }
    os.environ.update(env)
    return env


def _catalog() -> Catalog:
    """The demo catalog (what the storefront shows) plus a soak event with plenty of tickets."""
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from stores import services
    from stores.models import Event, EventCategory, Store, Ticket
    from users.models import User

    with open(os.devnull, "w") as quiet:
        call_command("demo_data", stdout=quiet)
    owner, agent = User.objects.get(email="owner@mookh.local"), User.objects.get(email="agent@mookh.local")
    store = Store.objects.get(owner=owner)  # the demo store, where the demo agent works the gate
    event = services.event_create(
        actor=owner, store=store, event_category=EventCategory.objects.first(), event_name="Soak Arena Night",
        event_description="A long night.", start_date=timezone.now() + timedelta(days=3), is_published=True,
        payment_window_minutes=PAYMENT_WINDOW_MINUTES)
    regular = services.ticket_create(actor=owner, event=event, ticket_name="Regular", quantity=1_000_000,
                                     prices={"KES": Decimal("1000.00")}, is_published=True, max_per_order=10)
    later = services.ticket_create(actor=owner, event=event, ticket_name="Pay later", quantity=1_000_000,
                                   prices={"KES": Decimal("2500.00")}, is_published=True, allow_pay_later=True)
    return Catalog(
        regular_ticket=str(regular.pk), pay_later_ticket=str(later.pk),
        ticket_ids=[str(pk) for pk in Ticket.objects.filter(is_published=True).values_list("pk", flat=True)],
        event_ids=[str(pk) for pk in Event.objects.filter(is_published=True).values_list("pk", flat=True)],
        agent_id=agent.pk, mpesa_callback_path=f"/payments/callbacks/mpesa/{settings.MPESA_CALLBACK_TOKEN}/")


def _rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:  # the worker is gone
        return None
    return None


class BacklogSampler(threading.Thread):
    """The outbox backlog and the connections to the soak's database every SAMPLE_EVERY seconds."""

    def __init__(self):
        super().__init__(name="soak-backlog", daemon=True)
        self.samples: list[tuple[float, int]] = []
        self.connections: list[int] = []
        self.stop = threading.Event()

    def run(self):
        from django.db import connection

        from notifications.selectors import outbox_backlog

        started = time.monotonic()
        while True:
            self.samples.append((time.monotonic() - started, outbox_backlog()))
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
                self.connections.append(cursor.fetchone()[0])
            if self.stop.is_set():  # the last sample: taken once the worker has drained
                break
            self.stop.wait(SAMPLE_EVERY)
        connection.close()


def _drain() -> float:
    """Wait for the worker to deliver every message and send every queued prompt: seconds it took."""
    from notifications.selectors import outbox_backlog
    from payments.models import PaymentAttempt

    started = time.monotonic()
    while time.monotonic() - started < DRAIN_SECONDS:
        if not outbox_backlog() and not PaymentAttempt.objects.filter(status="STARTING").exists():
            break
        time.sleep(2)
    return time.monotonic() - started


def _report_memory(start: dict[int, int | None], end: dict[int, int | None]) -> float | None:
    """Print each web worker's VmRSS after warm-up and at the end; the growth of them all in %, or
    None when a worker was replaced meanwhile (its memory cannot be compared)."""
    print("gunicorn workers' resident memory (VmRSS), after warm-up -> end:")
    for pid in sorted(start):
        before, after = start[pid], end.get(pid)
        if before is None or after is None:
            print(f"  pid {pid}: {before} -> {after} KiB (the worker was replaced)")
            continue
        print(f"  pid {pid}: {before / 1024:.1f} -> {after / 1024:.1f} MiB ({(after - before) / before * 100:+.1f} %)")
    if not start or not all(start.values()) or not all(end.get(pid) for pid in start):
        return None
    total_before, total_after = sum(start.values()), sum(end[pid] for pid in start)
    growth = (total_after - total_before) / total_before * 100
    print(f"  all: {total_before / 1024:.1f} -> {total_after / 1024:.1f} MiB ({growth:+.1f} %)")
    return growth


@dataclass
class Run:
    tally: Tally
    traffic: Traffic
    sampler: "BacklogSampler"
    rss_start: dict
    rss_end: dict
    replaced: list
    elapsed: float
    drained: float


def _run(env: dict[str, str], catalog: Catalog, workdir: Path) -> Run:
    """Start the servers, send the traffic and let the worker drain; every server stopped after."""
    with GunicornServer(env=env, workers=WEB_WORKERS, log=workdir / "gunicorn.log") as server, \
            CeleryWorker(env=env, queue=env["CELERY_TASK_DEFAULT_QUEUE"], log=workdir / "worker.log", pool="prefork",
                         concurrency=CELERY_CONCURRENCY), \
            CeleryBeat(env=env, log=workdir / "beat.log"):
        tally = Tally()
        traffic = Traffic(Client(server.url, tally), catalog, RATES)
        sampler = BacklogSampler()
        started = time.monotonic()
        sampler.start()
        traffic.start()
        traffic.stop.wait(WARM_UP)
        rss_start = {pid: _rss_kib(pid) for pid in server.worker_pids()}
        print(f"after {WARM_UP} s of warm-up: {tally.count(lambda status: True)} requests", flush=True)
        traffic.stop.wait(max(0, SECONDS - (time.monotonic() - started)))
        rss_end = {pid: _rss_kib(pid) for pid in rss_start}
        replaced = sorted(set(server.worker_pids()) - set(rss_start))
        traffic.finish()
        elapsed = time.monotonic() - started
        drained = _drain()
        sampler.stop.set()
        sampler.join()
    return Run(tally, traffic, sampler, rss_start, rss_end, replaced, elapsed, drained)


def _report(run: Run) -> int:
    load, total, samples = os.getloadavg(), run.tally.count(lambda status: True), run.sampler.samples
    print(f"\n{total} requests in {run.elapsed:.0f} s ({total / run.elapsed:.1f}/s: {SECONDS} s of traffic, then the "
          f"buyers' last payments); load average now {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("requests by route group (status: count):")
    print("\n".join(run.tally.lines()))
    if run.tally.unexpected:
        print("first unexpected answers:\n  " + "\n  ".join(run.tally.unexpected))
    backlog = [value for _, value in samples]
    print(f"outbox backlog (every {SAMPLE_EVERY} s): start {backlog[0]}, max {max(backlog)}, at the end of the "
          f"traffic {_at(samples, run.elapsed)}, after draining {run.drained:.0f} s: {backlog[-1]}; "
          f"max per minute {_per_minute_max(samples)}")
    print(f"connections to the soak's database: max {max(run.sampler.connections)}")
    growth = _report_memory(run.rss_start, run.rss_end)
    if run.replaced:
        print(f"  workers started during the run (one died): {run.replaced}")
    checks = soak_checks(run.tally, run.traffic, memory_growth=growth)
    print("checks:")
    for text, holds in checks:
        print(f"  [{'ok' if holds else 'FAILED'}] {text}")
    return 0 if all(holds for _, holds in checks) else 1


def soak() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="mookh-soak-"))
    env = _environment(workdir)
    env["DATABASE_URL"] = bench_database_url("mookh_soak")
    django_setup(env["DATABASE_URL"])
    catalog = _catalog()
    load = os.getloadavg()
    print(f"soak: {SECONDS} s, gunicorn {WEB_WORKERS} workers, celery worker (prefork {CELERY_CONCURRENCY}) and "
          f"beat on queue {env['CELERY_TASK_DEFAULT_QUEUE']} (Redis db {REDIS_DB}), rates/s {RATES}; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; logs in {workdir}", flush=True)
    from django.db import connection

    connection.close()  # the clients' threads open their own
    import redis

    cache_redis = redis.Redis.from_url(env["CACHE_URL"])
    cache_keys_before = set(cache_redis.scan_iter())
    try:
        return _report(_run(env, catalog, workdir))
    finally:
        _redis_tidy(env, cache_redis, cache_keys_before)


def _redis_tidy(env: dict[str, str], cache_redis, cache_keys_before: set) -> None:
    """Remove what the run left in Redis: its queue's keys, and the cache keys it made (never a
    flush: the database may not be the run's alone)."""
    import redis

    broker = redis.Redis.from_url(env["CELERY_BROKER_URL"])
    for key in broker.scan_iter(match=f"*{env['CELERY_TASK_DEFAULT_QUEUE']}*"):
        broker.delete(key)
    made = set(cache_redis.scan_iter()) - cache_keys_before
    if made:
        cache_redis.delete(*made)


def _per_minute_max(samples: list[tuple[float, int]]) -> list[int]:
    minutes: dict[int, int] = {}
    for at, value in samples:
        minutes[int(at // 60)] = max(value, minutes.get(int(at // 60), 0))
    return [minutes[minute] for minute in sorted(minutes)]


def _at(samples: list[tuple[float, int]], seconds: float) -> int:
    """The last sample taken at or before `seconds`."""
    return [value for at, value in samples if at <= seconds][-1]


if __name__ == "__main__":
    sys.exit(soak())
