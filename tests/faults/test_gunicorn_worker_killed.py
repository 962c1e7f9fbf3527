"""gunicorn workers killed (SIGKILL) under a stream of orders: every order the client was told
was created (201) exists, complete; a request cut short leaves nothing half-written."""
import os
import signal

from tests.celery_worker import wait_for
from tests.faults.stream import OrderStream, orders_found, orders_incomplete

KILLS = 3


def test_every_order_answered_201_exists_when_gunicorn_workers_are_killed(postgres, site):
    with OrderStream(site.url, postgres.catalog["ticket_id"], clients=6) as stream:
        for _ in range(KILLS):
            answered = stream.count(201)
            wait_for(lambda: stream.count(201) >= answered + 15, timeout=60)
            victim = site.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            wait_for(lambda: victim not in site.worker_pids() and len(site.worker_pids()) == 2, timeout=30)
        answered = stream.count(201)
        wait_for(lambda: stream.count(201) >= answered + 15, timeout=60)

    assert set(stream.statuses()) == {201, None}, stream.statuses()  # None: a request the kill cut short
    created = [answer.order_number for answer in stream.answers if answer.status == 201]
    assert orders_found(postgres.url("mookh"), created) == set(created)
    assert orders_incomplete(postgres.url("mookh")) == []
