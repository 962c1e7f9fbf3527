"""Shared plumbing for benchmarks: a throw-away database and a gunicorn server on loopback."""
import os
import socket
import subprocess
import sys
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
