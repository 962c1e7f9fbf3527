from celery import shared_task

from payments.services import payment_attempts_reconcile_due, payment_push, payment_reconcile
from payments.services.attempts import PUSH_DRAIN_LIMIT, payment_pushes_drain
from payments.services.refund_sending import refund_send, refund_status_refresh, refunds_due_ids


@shared_task(acks_late=True)
def payment_push_task(*, attempt_id: str):
    """Send a payment request to its provider, after the order that asked for it committed."""
    payment_push(attempt_id=attempt_id)


@shared_task
def payment_pushes_drain_task():
    """One task per payment request queued in the batch; again while the batch was full."""
    attempt_ids = payment_pushes_drain(app=payment_pushes_drain_task.app)
    for attempt_id in attempt_ids:
        payment_push_task.delay(attempt_id=attempt_id)
    if len(attempt_ids) == PUSH_DRAIN_LIMIT:
        payment_pushes_drain_task.delay()


@shared_task(acks_late=True)
def refund_send_task(*, refund_id: str):
    """Send a refund to its provider, after the transaction that owed it committed."""
    refund_send(refund_id=refund_id)


@shared_task(acks_late=True)
def refund_status_task(*, refund_id: str):
    """Ask the provider how a refund it is still processing went."""
    refund_status_refresh(refund_id=refund_id)


@shared_task
def refunds_due_task():
    """Beat, every five minutes: one task per refund whose own task was lost."""
    unsent, processing = refunds_due_ids()
    for refund_id in unsent:
        refund_send_task.delay(refund_id=str(refund_id))
    for refund_id in processing:
        refund_status_task.delay(refund_id=str(refund_id))


@shared_task(acks_late=True)
def payment_reconcile_task(*, attempt_id: str):
    """Ask the provider about one payment request whose callback is late or lost."""
    payment_reconcile(attempt_id=attempt_id)


@shared_task
def payments_reconcile_due_task():
    """Beat, every 30 s: one reconciliation task per payment request due to be asked about."""
    for attempt_id in payment_attempts_reconcile_due():
        payment_reconcile_task.delay(attempt_id=str(attempt_id))
