"""Shared plumbing for benchmarks: a throw-away database, a gunicorn server on loopback, orders to
pay and bodies posted to it at a steady rate."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent


def bench_database_url(name: str) -> str:
    """DATABASE_URL pointing at a fresh database `name` on the same server as make test's."""
    import psycopg2

    base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mookh"))
    admin = psycopg2.connect(host=base.hostname, port=base.port or 5432, user=base.username or "postgres",
                             password=base.password, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunparse(base._replace(path=f"/{name}"))


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mookh.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def bench_ticket(*, event_name: str, quantity: int, **ticket_fields):
    """A published KES 1000 ticket, `quantity` of it, in an event and store of its own."""
    from django.utils import timezone

    from stores.models import Event, EventCategory, Store, StoreType, Ticket
    from users.models import User

    owner = User.objects.create_user(f"bench-owner-{uuid.uuid4()}@example.com", "x", is_verified=True)
    store = Store.objects.create(store_name="Bench", store_type=StoreType.objects.get_or_create(name="events")[0],
                                 owner=owner)
    event = Event.objects.create(store=store, event_category=EventCategory.objects.create(category_name="Bench"),
                                 event_name=event_name, event_description="bench", is_published=True,
                                 start_date=timezone.now() + timedelta(days=7))
    return Ticket.objects.create(event=event, ticket_name="General", prices={"KES": "1000.00"}, ticket_value=1000,
                                 quantity=quantity, is_published=True, **ticket_fields)


def orders_place(ticket, count: int, **request_fields) -> list:
    """`count` orders of one `ticket` each, in KES by mobile money, placed through the engine by as many fans."""
    from orders.services import LineInput, OrderRequest, Person, order_place

    return [order_place(OrderRequest(
        customer=Person(name=f"Fan {n}", email=f"fan{n}@example.com", phone_number=f"+2547{n:08d}"),
        lines=(LineInput(item_id=ticket.pk, type_name="store.ticket", item_quantity=1),),
        currency="KES", payment_method="MOBILE", **request_fields)).order for n in range(count)]


def paced_posts(url: str, bodies: list[bytes], *, rate: float, clients: int) -> tuple[list[float], dict, float]:
    """POST every JSON body to `url`, paced at `rate` per second over `clients` threads:
    the latencies, the count of each status, and the seconds it all took."""
    started = time.monotonic()

    def post(item):
        index, body = item
        delay = started + index / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
        begin = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        return time.monotonic() - begin, status

    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(post, enumerate(bodies)))
    statuses: dict = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    return [latency for latency, _ in results], statuses, time.monotonic() - started


def queue_drop(queue: str) -> None:
    """Delete the Celery queue `queue` a benchmark's server filled (nothing consumes it), and the
    batches queued beside it (mookh.core.publishing)."""
    import redis

    client = redis.Redis.from_url(os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"))
    client.delete(queue, *client.scan_iter(match=f"batch:*:{queue}*"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving the project (the tree at `root`) on 127.0.0.1, for as long as the `with` block lasts."""

    def __init__(self, *, database_url: str, workers: int, extra_env: dict | None = None, root: Path = ROOT):
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
               "LOG_LEVEL": "ERROR", "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key-0123456789abcdef"),
               # The whole load comes from this one address: the per-address limit would measure itself.
               "THROTTLE_API_ADDRESS": "1000000/min", **(extra_env or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "mookh.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--backlog", "2048", "--log-level", "warning"],
            cwd=root, env=env,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/health/", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError("gunicorn did not come up")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=20)


# Appended to every benchmark's wrk script (which defines init/request): numbers the threads
# (`thread_id`), counts responses by status in each thread and prints one JSON line with the
# totals and latency percentiles.
WRK_REPORT_LUA = r"""
threads = {}
local next_thread_id = 0
function setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
  table.insert(threads, thread)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do totals[tostring(status)] = (totals[tostring(status)] or 0) + n end
  end
  io.write("WRK_RESULT ", string.format(
    '{"duration_us": %d, "requests": %d, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "errors": %d, "statuses": {',
    summary.duration, summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
  local first = true
  for status, n in pairs(totals) do
    if not first then io.write(",") end
    io.write(string.format('"%s": %d', status, n))
    first = false
  end
  io.write("}}\n")
end
"""


def wrk_run(url: str, script: str, *, threads: int, connections: int, seconds: int) -> dict:
    """Run wrk with `script` (its init/request functions; each thread keeps a `counts` table)
    plus the shared reporting part; return the totals it printed."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script + WRK_REPORT_LUA)
    try:
        run = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", handle.name, url],
            capture_output=True, text=True, timeout=seconds + 60,
        )
    finally:
        os.unlink(handle.name)
    if run.returncode:
        raise RuntimeError(f"wrk failed: {run.stdout}{run.stderr}")
    line = next(row for row in run.stdout.splitlines() if row.startswith("WRK_RESULT "))
    return json.loads(line[len("WRK_RESULT "):])
