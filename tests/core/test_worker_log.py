"""A Celery worker logs JSON lines too, and a task's lines carry the request id of the request
that queued it: a real worker on Redis, its output read from a file."""
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection

from mookh.celery import app as celery_app
from tests.celery_worker import wait_for
from tests.core.settings_probe import ROOT

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def _worker_logging_to(log_path, **extra_env):
    db = connection.settings_dict
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
           **extra_env}
    with open(log_path, "w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mookh", "worker", "--pool=solo", "-Q",
             settings.CELERY_TASK_DEFAULT_QUEUE, "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--loglevel=INFO"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "ready." not in log_path.read_text():
            assert worker.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        celery_app.conf.task_always_eager = False
        yield
    finally:
        celery_app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=15)


def _json_lines(log_path) -> list[dict]:
    return [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]


def test_task_lines_carry_the_request_id_when_a_request_queued_the_task(api, tmp_path):
    log_path = tmp_path / "worker.log"
    env = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "LOG_FORMAT": "json"}
    with _worker_logging_to(log_path, **env):
        response = api.post("/users/user/", {"email": "worker@example.com", "password": "Strong-pass-2026",
                                             "confirm_password": "Strong-pass-2026"}, HTTP_X_REQUEST_ID="signup-42")
        assert response.status_code == 201
        delivered = wait_for(lambda: [line for line in _json_lines(log_path)
                                      if line["event"].startswith("delivered email verification_code")])
    assert delivered[0]["logger"] == "notifications.services" and delivered[0]["request_id"] == "signup-42"
    assert delivered[0]["task_id"]
    started = [line for line in _json_lines(log_path) if line["event"] == "task_started"]
    assert started and {line["request_id"] for line in started} == {"signup-42"}
