import pytest
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from mookh.celery import app as celery_app
from notifications.tasks import messages_sweep_task

pytestmark = pytest.mark.django_db(transaction=True)  # the scheduler closes its connection


def test_beat_runs_the_outbox_sweep_every_minute():
    DatabaseScheduler(app=celery_app)  # what `celery -A mookh beat` loads at start
    task = PeriodicTask.objects.get(name="outbox-sweep")
    assert task.task == messages_sweep_task.name
    assert (task.interval.every, task.interval.period) == (60, "seconds")
    assert task.enabled
