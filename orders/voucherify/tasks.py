"""Thin Celery wrappers: imports and exports run in workers (registered through orders.tasks)."""
from celery import shared_task
from django.db import OperationalError

from orders.voucherify.exports import ExportWaiting, order_export_build
from orders.voucherify.imports import ImportWaiting, orders_import_run

# An import of 2000 orders or an export of 100,000 takes minutes, not the default task's seconds.
LONG_TASK = {"bind": True, "acks_late": True, "soft_time_limit": 1800, "time_limit": 1860,
             "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}
# Waiting for another worker (or for the lease of a dead one to run out, at most 10-30 minutes).
WAIT_SECONDS, WAIT_TRIES = 60, 40


@shared_task(**LONG_TASK)
def orders_import_task(self, *, action_id: str):
    try:
        orders_import_run(action_id=action_id)
    except ImportWaiting as waiting:
        raise self.retry(exc=waiting, countdown=WAIT_SECONDS, max_retries=WAIT_TRIES) from None


@shared_task(**LONG_TASK)
def order_export_build_task(self, *, export_id: str):
    try:
        order_export_build(export_id=export_id)
    except ExportWaiting as waiting:
        raise self.retry(exc=waiting, countdown=WAIT_SECONDS, max_retries=WAIT_TRIES) from None
