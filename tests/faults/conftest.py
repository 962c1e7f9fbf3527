"""Fixtures of the fault tests: throw-away servers, this process publishing to a throw-away Redis,
and Celery workers reading the test database."""
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from mookh.celery import app as celery_app
from tests.faults.servers import ROOT, CeleryWorker, GunicornServer, PostgresServer, RedisServer


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


def _broker_switch(url: str, *, eager: bool) -> None:
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = url
    celery_app.conf.task_always_eager = eager
    # Celery binds its connection pools to the broker URL the first time it publishes.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_server):
    """Tasks are published to the throw-away Redis instead of running in-process."""
    url, eager = celery_app.conf.broker_write_url or celery_app.conf.broker_url, celery_app.conf.task_always_eager
    _broker_switch(redis_server.url(), eager=False)
    yield redis_server
    _broker_switch(url, eager=eager)


@pytest.fixture
def start_worker(broker, tmp_path, transactional_db):
    """start_worker(pool=, **env): a Celery worker on the throw-away Redis reading the test
    database, stopped (by PID) at the end of the test whatever happens."""
    db = connection.settings_dict
    base_env = {"DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
                "CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_BROKER_URL": broker.url(), "CACHE_URL": broker.url(1)}
    workers = []

    def start(*, pool: str = "solo", **env) -> CeleryWorker:
        worker = CeleryWorker(env={**base_env, **env}, queue=settings.CELERY_TASK_DEFAULT_QUEUE, pool=pool,
                              log=tmp_path / f"worker-{len(workers) + 1}.log")
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture(scope="session")
def postgres_template():
    """A stopped cluster holding the migrated project database `mookh` with one store; tests
    start copies of it (`postgres`) rather than migrating a new one each."""
    server = PostgresServer()
    try:
        server.start()
        url = server.create_database("mookh")
        seeded = subprocess.run([sys.executable, "-m", "tests.faults.seed", url], cwd=ROOT, check=True,
                                capture_output=True, text=True, timeout=180)
        server.catalog = json.loads(seeded.stdout.strip().splitlines()[-1])
        server.stop()
        yield server
    finally:
        server.remove()


@pytest.fixture
def postgres(postgres_template):
    """A PostgreSQL of this test's own, holding the project database `mookh` (`postgres.catalog`)."""
    server = PostgresServer(copy_of=postgres_template)
    server.catalog = postgres_template.catalog
    try:
        yield server.start()
    finally:
        server.remove()


@pytest.fixture
def site(postgres, tmp_path):
    """gunicorn (2 workers) serving the project from this test's own PostgreSQL; tasks are
    published to an in-process broker nobody consumes, so only the database is exercised."""
    env = {"DATABASE_URL": postgres.url("mookh"), "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
           "CELERY_BROKER_URL": "memory://", "CELERY_TASK_ALWAYS_EAGER": "0", "CACHE_URL": "locmemcache://",
           "LOG_LEVEL": "WARNING"}
    with GunicornServer(env=env, workers=2, log=tmp_path / "gunicorn.log") as server:
        yield server
