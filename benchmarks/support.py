"""Shared plumbing for benchmarks: a throw-away database and a gunicorn server on loopback."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving the project on 127.0.0.1, for as long as the `with` block lasts."""

    def __init__(self, *, database_url: str, workers: int, extra_env: dict | None = None):
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
               "LOG_LEVEL": "ERROR", "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key-0123456789abcdef"),
               **(extra_env or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "mookh.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--backlog", "2048", "--log-level", "warning"],
            cwd=ROOT, env=env,
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
