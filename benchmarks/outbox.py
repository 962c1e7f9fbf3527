"""Outbox throughput: messages delivered per second, in-process and by one real Celery worker.

Figures printed:
  enqueue         message_enqueue, one transaction per message, publishing its task to Redis
  deliver         message_deliver called in-process, one message after another (the baseline)
  worker          one `celery worker --pool=solo` process draining the queued tasks
  sweep           the beat sweep selecting due messages and publishing one task each (not run)
Email and SMS both go to the locmem backends, so the figures measure the outbox, not a provider.
Run with `make bench` or `python -m benchmarks.outbox` (same environment as `make test`).
"""
import os
import time

from benchmarks.support import bench_database_url, django_setup

MESSAGES = int(os.environ.get("BENCH_OUTBOX_MESSAGES", 600))
WORKER_TIMEOUT = 40  # seconds: keeps the whole benchmark under a minute even on a slow machine
LOCMEM = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
          "SMS_BACKEND": "notifications.sms.locmem.SmsBackend"}


def _enqueue(count: int, tag: str) -> list:
    from django.db import transaction

    from notifications.services import message_enqueue

    ids = []
    for n in range(count):
        with transaction.atomic():  # one action, one transaction, one message: the usual shape
            # One recipient per message: each recipient has an hourly limit (OUTBOX_*_RECIPIENT_RATE).
            channel, recipient = ("sms", f"+2547201{n % 100000:05d}") if n % 2 else ("email", f"bench{n}@example.com")
            ids.append(message_enqueue(channel=channel, recipient=recipient, template="verification_code",
                                       context={"code": f"{n % 100000:05d}", "ttl_minutes": 15},
                                       dedupe_key=f"bench:{tag}:{n}").pk)
    return ids


def _report(label: str, count: int, seconds: float) -> None:
    print(f"  {label:<8} {count:>6} messages in {seconds:6.2f} s = {count / seconds:8.0f} messages/s", flush=True)


def _bench_in_process() -> None:
    from mookh.celery import app as celery_app
    from notifications.services import message_deliver

    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = f"{celery_app.conf.task_default_queue}-baseline"  # nobody consumes it
    started = time.perf_counter()
    ids = _enqueue(MESSAGES, "baseline")
    _report("enqueue", len(ids), time.perf_counter() - started)
    started = time.perf_counter()
    sent = sum(1 for message_id in ids if message_deliver(message_id=message_id) is not None)
    _report("deliver", sent, time.perf_counter() - started)
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(celery_app.conf.task_default_queue)


def _bench_worker() -> None:
    from django.conf import settings

    from mookh.celery import app as celery_app
    from notifications.models import OutboxMessage
    from tests.celery_worker import celery_worker, wait_for

    celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    ids = _enqueue(MESSAGES, "worker")  # tasks wait in Redis until the worker is up
    with celery_worker(extra_env={**LOCMEM, "LOG_LEVEL": "WARNING"}):
        started = time.perf_counter()
        wait_for(lambda: not OutboxMessage.objects.filter(pk__in=ids).exclude(status="SENT").exists(),
                 timeout=WORKER_TIMEOUT, interval=0.05)
        _report("worker", len(ids), time.perf_counter() - started)


def _bench_sweep() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from mookh.celery import app as celery_app
    from notifications.models import OutboxMessage
    from notifications.services import messages_sweep

    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = f"{celery_app.conf.task_default_queue}-sweep"  # nobody consumes it
    OutboxMessage.objects.update(status="PENDING", sent_at=None, attempts=0,
                                 created=timezone.now() - timedelta(minutes=5))
    started = time.perf_counter()
    queued = messages_sweep(limit=MESSAGES)
    _report("sweep", queued, time.perf_counter() - started)
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(celery_app.conf.task_default_queue)


def main() -> None:
    os.environ.update(LOCMEM)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django_setup(bench_database_url("mookh_bench_outbox"))
    from django.db import connection

    print(f"outbox, {MESSAGES} messages (half email, half SMS), locmem backends, "
          f"PostgreSQL {connection.pg_version // 10000}, Redis broker:", flush=True)
    _bench_in_process()
    _bench_worker()
    _bench_sweep()


if __name__ == "__main__":
    main()
