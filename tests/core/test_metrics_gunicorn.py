"""Under gunicorn with several workers (PROMETHEUS_MULTIPROC_DIR set), a scrape adds up every
worker's counts, whichever worker answers it, and a worker that exits keeps its counts."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from stores.models import Ticket
from tests.core.settings_probe import ROOT
from tests.orders.conftest import Catalog, order_body

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "scraper-token-5c2e"
REQUESTS = 24


@pytest.fixture
def catalog(db):
    return Catalog()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _call(url: str, *, body: dict | None = None, token: str | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def _workers(master_pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            children.append(int(stat.parent.name))
    return children


@contextmanager
def _gunicorn(metrics_dir: Path, *, workers: int):
    db = connection.settings_dict
    port = _free_port()
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "METRICS_TOKEN": TOKEN,
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "THROTTLE_ORDER_CREATE_EMAIL": "1000/hour",
           "THROTTLE_ORDER_CREATE_PHONE": "1000/hour", "LOG_LEVEL": "WARNING",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "mookh.wsgi:application", "--bind",
                               f"127.0.0.1:{port}", "--workers", str(workers)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while len(_workers(server.pid)) < workers or _call(f"{base}/metrics", token=TOKEN)[0] != 200:
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def _total(base: str, name: str, **labels) -> float:
    status, body = _call(f"{base}/metrics", token=TOKEN)
    assert status == 200
    return sum(sample.value for family in text_string_to_metric_families(body.decode())
               for sample in family.samples if sample.name == name and labels.items() <= sample.labels.items())


def test_scrape_adds_up_every_worker_when_several_gunicorn_workers_answer(catalog, tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"left by an earlier server")
    Ticket.objects.filter(pk=catalog.vvip.pk).update(sold=50)
    with _gunicorn(metrics_dir, workers=2) as (base, server):
        assert not (metrics_dir / "counter_1.db").exists()
        bodies = [order_body((catalog.vvip, 1), customer={"name": "Jane Doe", "email": f"jane{n}@doe.com",
                                                          "phone_number": f"+2547201112{n:02d}"})
                  for n in range(REQUESTS)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(lambda body: _call(f"{base}/stores/orders/", body=body), bodies))
        assert [status for status, _ in answers] == [409] * REQUESTS
        assert {json.loads(body)["code"] for _, body in answers} == {"sold_out"}
        for _ in range(4):  # whichever worker answers the scrape
            assert _total(base, "mookh_sold_out_answers_total") == REQUESTS
            assert _total(base, "django_http_responses_total_by_status_total", status="409") == REQUESTS

        exited = _workers(server.pid)[0]
        os.kill(exited, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while exited in _workers(server.pid) or len(_workers(server.pid)) < 2:
            assert time.monotonic() < deadline, "gunicorn did not replace its worker"
            time.sleep(0.2)
        assert _total(base, "mookh_sold_out_answers_total") == REQUESTS
