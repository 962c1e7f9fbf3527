"""A real Celery worker process against the real Redis, for tests that cross the broker."""
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from mookh.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def celery_worker(*, extra_env: dict[str, str] | None = None, ready_timeout: float = 30.0):
    """Start `celery worker` on this run's queue, reading the test database; stop it on exit.

    Inside the block, tasks are sent to Redis instead of running in-process.
    """
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_TASK_ALWAYS_EAGER": "0",
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mookh", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    _wait_until_ready(process, ready_timeout)
    celery_app.conf.task_always_eager = False
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process, timeout):
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                raise RuntimeError("celery worker exited:\n" + "".join(lines))
            continue
        lines.append(line)
        if "ready." in line:
            # Keep draining output so the worker never blocks on a full pipe.
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return
    process.kill()
    raise RuntimeError("celery worker did not start in time:\n" + "".join(lines))


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")
