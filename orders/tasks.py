from celery import shared_task

from orders.services import order_expire_after_payment_check
from orders.services.lifecycle import orders_expire_due_ids
from orders.services.reminders import order_reminders_send, orders_reminder_due_ids


@shared_task(acks_late=True)
def order_expire_task(*, order_id: str):
    """Expire an order past its window, once the providers were asked about its pending payments."""
    order_expire_after_payment_check(order_id=order_id)


@shared_task
def orders_expire_due_task():
    """Beat, every minute: one expiry task per order past its payment window."""
    for order_id in orders_expire_due_ids():
        order_expire_task.delay(order_id=str(order_id))


@shared_task(acks_late=True)
def order_reminders_task(*, order_id: str):
    order_reminders_send(order_id=order_id)


@shared_task
def orders_remind_due_task():
    """Beat, every ten minutes: installment reminders and expiry warnings that are due."""
    for order_id in orders_reminder_due_ids():
        order_reminders_task.delay(order_id=str(order_id))


# Registered with the worker through this module, which Celery discovers.
from orders.voucherify.tasks import order_export_build_task, orders_import_task  # noqa: E402, F401
