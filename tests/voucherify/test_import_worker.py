"""Imports across the real broker: two Celery worker processes, one store's imports queued together.
They run one at a time, oldest first, and a client polling sees ENQUEUED → IN_PROGRESS → DONE.
Skipped with -k 'not concurren' (real processes racing for the same store's queue)."""
import time
from contextlib import ExitStack

import pytest

from orders.voucherify.models import AsyncAction
from tests.celery_worker import celery_worker
from tests.voucherify.conftest import Merchant

pytestmark = pytest.mark.django_db(transaction=True)


def _orders(prefix: str, count: int) -> list[dict]:
    return [{"source_id": f"{prefix}-{n}", "status": "PAID", "customer": {"source_id": f"{prefix}-c{n % 7}"},
             "items": [{"source_id": "tee", "price": 1500, "quantity": 1}]} for n in range(count)]


def test_one_stores_imports_run_one_at_a_time_in_order_when_two_workers_run_concurrently(tmp_path):
    merchant = Merchant()
    client = merchant.client()
    env = {"PRIVATE_MEDIA_ROOT": str(tmp_path), "LOG_LEVEL": "WARNING"}
    with ExitStack() as workers:
        workers.enter_context(celery_worker(extra_env=env))
        workers.enter_context(celery_worker(extra_env=env))
        first = client.post("/v1/orders/import", _orders("first", 150), format="json").json()["async_action_id"]
        second = client.post("/v1/orders/import", _orders("second", 20), format="json").json()["async_action_id"]

        seen = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            both = [client.get(f"/v1/async-actions/{action}").json() for action in (first, second)]
            seen.append(tuple((action["status"], action["progress"]) for action in both))
            if all(action["status"] == "DONE" for action in both):
                break
            time.sleep(0.1)

    assert all(status == "DONE" for status, _ in seen[-1]), seen[-1]
    assert not any(a == "IN_PROGRESS" and b == "IN_PROGRESS" for (a, _), (b, _) in seen)
    assert any(status == "IN_PROGRESS" and 0 < progress < 100 for (status, progress), _ in seen)
    assert seen[0][1][0] == "ENQUEUED"
    older, newer = AsyncAction.objects.get(pk=first), AsyncAction.objects.get(pk=second)
    assert older.finished_at <= newer.started_at
    assert (older.result["done_count"], newer.result["done_count"]) == (150, 20)
