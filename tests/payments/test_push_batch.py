"""Placing a MOBILE order queues its payment request in a batch: one Redis round trip per order,
one Celery message per drain, then one push task per attempt on a worker, each sent once."""
import threading

import pytest
import redis
from django.db import connection
from rest_framework.test import APIClient

from mookh.celery import app as celery_app
from mookh.core.publishing import BATCH_LIST_KEY
from payments.models import PaymentAttempt
from payments.services.attempts import PUSH_BATCH
from tests.celery_worker import celery_worker, wait_for
from tests.orders.conftest import Catalog, order_body

pytestmark = pytest.mark.django_db(transaction=True)
SHARED_CACHE = "redis://127.0.0.1:6379/9"


@pytest.fixture
def broker():
    """The broker's Redis; this run's queue and batch list are emptied before and after."""
    client = redis.Redis.from_url(celery_app.conf.broker_url)
    queue = celery_app.conf.task_default_queue
    keys = [queue, BATCH_LIST_KEY.format(name=PUSH_BATCH, queue=queue)]
    flags = [f"{keys[1]}:drain-queued"]
    client.delete(*keys, *flags)
    yield client, queue, keys[1]
    client.delete(*keys, *flags)


@pytest.fixture
def shared_cache(settings):
    """This process and the worker share one cache (the push claim and the sandbox's state)."""
    client = redis.Redis.from_url(SHARED_CACHE)
    before = set(client.scan_iter())
    settings.CACHES = {"default": {"BACKEND": "mookh.core.cache.RedisCache", "LOCATION": SHARED_CACHE}}
    yield client
    made = set(client.scan_iter()) - before
    if made:
        client.delete(*made)


def test_many_orders_queue_one_celery_message_and_every_attempt_in_the_batch(broker):
    client, queue, batch = broker
    catalog = Catalog()
    celery_app.conf.task_always_eager = False  # published to Redis; no worker consumes them here
    try:
        answers = [APIClient().post("/stores/orders/", order_body((catalog.regular, 1)), format="json")
                   for _ in range(5)]
    finally:
        celery_app.conf.task_always_eager = True
    assert [answer.status_code for answer in answers] == [201] * 5
    # The answer shows the request as queued, from what placing the order wrote.
    assert {answer.json()["payments"][0]["status"] for answer in answers} == {"STARTING"}
    attempts = [str(attempt.pk) for attempt in PaymentAttempt.objects.order_by("created")]
    assert [item.decode() for item in client.lrange(batch, 0, -1)] == attempts
    assert client.llen(queue) == 1  # the drain task, queued by the first order only


@pytest.mark.usefixtures("shared_cache")
def test_concurrent_orders_each_prompt_sent_once_by_a_real_worker(broker):
    client, queue, batch = broker
    catalog = Catalog()
    answers = []

    def buy():
        try:
            answers.append(APIClient().post("/stores/orders/", order_body((catalog.regular, 1)), format="json"))
        finally:
            connection.close()

    with celery_worker(extra_env={"CACHE_URL": SHARED_CACHE}):
        threads = [threading.Thread(target=buy) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(answer.status_code for answer in answers) == [201] * 12
        wait_for(lambda: PaymentAttempt.objects.filter(status="PENDING").count() == 12, timeout=30)
    attempts = PaymentAttempt.objects.all()
    assert len({attempt.provider_reference for attempt in attempts}) == 12  # one STK push each
    assert all(attempt.request_data for attempt in attempts)
    assert client.llen(batch) == 0
