"""PostgreSQL restarted during a stream of orders: the orders caught in the gap are refused with
503 and Retry-After (never 500), none is half-written, and the server carries on by itself."""
import signal

import pytest

from tests.celery_worker import wait_for
from tests.faults.stream import OrderStream, orders_found, orders_incomplete

DOWN_SECONDS = 2


# SIGINT: a fast shutdown (sessions ended, a clean stop); SIGQUIT: an immediate one, as in a crash.
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGQUIT], ids=["fast", "immediate"])
def test_orders_answer_503_with_retry_after_and_none_is_lost_when_postgresql_restarts(postgres, site, stop):
    workers = site.worker_pids()
    with OrderStream(site.url, postgres.catalog["ticket_id"]) as stream:
        wait_for(lambda: stream.count(201) >= 20, timeout=60)
        postgres.restart(down_for=DOWN_SECONDS, sig=stop)
        wait_for(lambda: stream.count(503), timeout=30)
        wait_for(lambda: {answer.status for answer in stream.answers[-20:]} == {201}, timeout=30)  # back

    assert set(stream.statuses()) == {201, 503}, stream.statuses()
    assert all(answer.retry_after for answer in stream.answers if answer.status == 503)
    created = [answer.order_number for answer in stream.answers if answer.status == 201]
    assert orders_found(postgres.url("mookh"), created) == set(created)
    assert orders_incomplete(postgres.url("mookh")) == []
    assert site.worker_pids() == workers  # recovered without a restart of any worker
