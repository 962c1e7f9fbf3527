"""Redis (the broker, and the cache on its db 1) down while orders are placed: every order is
placed without waiting on it, and once it is back every message is delivered, once."""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db.models import F

from notifications.models import OutboxMessage
from notifications.services import messages_sweep
from notifications.tasks import messages_sweep_task
from payments.models import PaymentAttempt
from payments.services.reconciliation import STARTING_RESEND_AFTER
from payments.tasks import payments_reconcile_due_task
from tests.celery_worker import wait_for
from tests.faults.messages import deliveries, file_backends
from tests.notifications.helpers import message_age
from tests.orders.conftest import Catalog, order_body

pytestmark = pytest.mark.django_db(transaction=True)
ORDERS = 8


@pytest.fixture
def catalog(db):
    return Catalog()


def _place(api, catalog: Catalog, n: int):
    body = order_body((catalog.vvip, 1), is_pay_later=True)
    body["customer"].update(email=f"buyer{n}@example.com", phone_number=f"+2547201{n:05d}")
    response = api.post("/stores/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def _messages(order_ids):
    return OutboxMessage.objects.filter(order_id__in=order_ids)


def _all_sent(order_ids) -> bool:
    return not _messages(order_ids).exclude(status=OutboxMessage.Status.SENT).exists()


def test_orders_placed_and_their_messages_delivered_once_when_redis_was_down(
        api, catalog, broker, start_worker, settings, tmp_path, caplog):
    settings.CACHES = {"default": {"BACKEND": "mookh.core.cache.RedisCache", "LOCATION": broker.url(1)}}
    settings.SERVER_DOWN_PAUSE_SECONDS = 300  # the whole outage, however slow this machine is
    start_worker(**file_backends(tmp_path))
    before = [_place(api, catalog, 0)]
    wait_for(lambda: _all_sent(before), timeout=30)

    broker.stop()
    caplog.clear()
    during = [_place(api, catalog, n) for n in range(1, ORDERS + 1)]
    # One publish and one cache call went to the dead Redis; every other one was answered at once.
    assert caplog.text.count("could not publish") == 1
    assert caplog.text.count("answering as an empty cache") == 1
    assert caplog.text.count("could not queue delivery") == 2 * ORDERS
    waiting = list(_messages(during))
    assert len(waiting) == 2 * ORDERS
    assert {(m.status, m.attempts) for m in waiting} == {(OutboxMessage.Status.PENDING, 0)}

    broker.start()
    for message in waiting:
        message_age(message, minutes=1)  # past the grace the sweep leaves a message's own task
    messages_sweep_task.delay()  # what beat queues every minute, run by the worker
    wait_for(lambda: _all_sent(during), timeout=60)
    assert messages_sweep() == 0
    assert deliveries(tmp_path) == {str(message.pk): 1 for message in _messages(before + during)}


def test_cache_answers_as_an_empty_cache_while_its_redis_is_down_and_is_used_again_once_back(
        redis_server, settings):
    settings.CACHES = {"default": {"BACKEND": "mookh.core.cache.RedisCache", "LOCATION": redis_server.url(1)}}
    settings.SERVER_DOWN_PAUSE_SECONDS = 0  # try Redis again at every call
    cache.set("kept", 1)
    redis_server.stop()
    assert cache.get("kept", "missing") == "missing"
    assert cache.add("counter", 1) is True
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert cache.get_many(["kept", "counter"]) == {}

    redis_server.start()
    assert cache.add("counter", 5) is True
    assert cache.incr("counter") == 6


def test_mobile_orders_placed_while_redis_was_down_get_their_prompt_once_it_is_back(
        api, catalog, broker, start_worker, settings, caplog):
    """The payment request's batch lives in the broker's Redis: with Redis down the order is still
    placed at once, its attempt waits STARTING in the database, and reconciliation sends it once."""
    settings.CACHES = {"default": {"BACKEND": "mookh.core.cache.RedisCache", "LOCATION": broker.url(1)}}
    settings.SERVER_DOWN_PAUSE_SECONDS = 300
    start_worker()
    broker.stop()
    caplog.clear()
    order_ids = []
    for n in range(4):
        body = order_body((catalog.vvip, 1))
        body["customer"].update(email=f"payer{n}@example.com", phone_number=f"+2547202{n:05d}")
        response = api.post("/stores/orders/", body, format="json")
        assert response.status_code == 201, response.json()
        order_ids.append(response.json()["id"])
    assert caplog.text.count("could not queue the payment request") == 4
    assert caplog.text.count("for payment-pushes") == 1  # and only the first one waited on Redis
    attempts = PaymentAttempt.objects.filter(order_id__in=order_ids)
    assert [attempt.status for attempt in attempts] == ["STARTING"] * 4

    broker.start()
    attempts.update(created=F("created") - STARTING_RESEND_AFTER - timedelta(seconds=1))
    payments_reconcile_due_task.delay()  # what beat queues every 30 s, run by the worker
    wait_for(lambda: attempts.filter(status="PENDING").count() == 4, timeout=60)
    assert len({attempt.provider_reference for attempt in attempts}) == 4
