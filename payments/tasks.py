from celery import shared_task

from payments.services import payment_push


@shared_task(acks_late=True)
def payment_push_task(*, attempt_id: str):
    """Send a payment request to its provider, after the order that asked for it committed."""
    payment_push(attempt_id=attempt_id)
