"""Across the real broker: a callback lost in the sandbox, then the beat job's tasks run by a real
Celery worker process against Redis find the money at the provider and credit the order. The
sandbox's provider state is in a Redis cache both processes share, as in production."""
from datetime import timedelta

import pytest
import redis
from django.db.models import F
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler
from rest_framework.test import APIClient

from mookh.celery import app as celery_app

from orders.models import Order
from payments.models import Payment, PaymentAttempt, ProviderCallback
from payments.tasks import payments_reconcile_due_task
from tests.celery_worker import celery_worker, wait_for
from tests.orders.conftest import Catalog, order_body

pytestmark = pytest.mark.django_db(transaction=True)
SHARED_CACHE = "redis://127.0.0.1:6379/9"


@pytest.fixture
def shared_cache(settings):
    """This process and the worker read and write one Redis cache; the keys made meanwhile go after
    (deleted one by one: never a flush of a database others may use)."""
    client = redis.Redis.from_url(SHARED_CACHE)
    before = set(client.scan_iter())
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": SHARED_CACHE}}
    yield
    made = set(client.scan_iter()) - before
    if made:
        client.delete(*made)


def _status(order_id) -> str:
    return Order.objects.get(pk=order_id).status


@pytest.mark.usefixtures("shared_cache")
def test_lost_callback_credited_by_the_reconciliation_job_on_a_real_worker():
    catalog = Catalog()
    api = APIClient()
    with celery_worker(extra_env={"CACHE_URL": SHARED_CACHE}):
        placed = api.post("/stores/orders/", order_body((catalog.vvip, 2)), format="json")
        assert placed.status_code == 201, placed.json()
        order_id = placed.json()["id"]
        attempt = wait_for(lambda: PaymentAttempt.objects.filter(order_id=order_id, status="PENDING").first())
        # The worker sent the prompt.

        lost = api.post("/payments/sandbox/complete/", {"order_number": placed.json()["order_number"],
                                                        "deliver_callback": False}, format="json")
        assert lost.json() == {"order_number": placed.json()["order_number"], "order_status": "PENDING",
                               "callback_outcome": "lost"}
        PaymentAttempt.objects.filter(pk=attempt.pk).update(created=F("created") - timedelta(seconds=61))
        payments_reconcile_due_task.delay()
        wait_for(lambda: _status(order_id) == "PAID")
    payment = Payment.objects.get(order_id=order_id)
    assert payment.reference == attempt.provider_reference and payment.amount == attempt.amount
    assert not ProviderCallback.objects.exists()  # no callback ever arrived
    assert Order.objects.get(pk=order_id).issued_tickets.count() == 2


def test_beat_runs_the_reconciliation_job_every_30_seconds():
    DatabaseScheduler(app=celery_app)  # what `celery -A mookh beat` loads at start
    task = PeriodicTask.objects.get(name="payments-reconcile-due")
    assert task.task == payments_reconcile_due_task.name
    assert (task.interval.every, task.interval.period) == (30, "seconds")
    assert task.enabled
