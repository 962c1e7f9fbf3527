from celery import shared_task
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services import message_deliver, messages_sweep


@shared_task(bind=True, acks_late=True, max_retries=None, soft_time_limit=30, time_limit=45, ignore_result=True)
def message_deliver_task(self, *, message_id: str):
    message = message_deliver(message_id=message_id)
    if message is not None and message.status == OutboxMessage.Status.PENDING:
        # The row already holds next_attempt_at (the sweep's fallback); this retry only
        # spares waiting for the next sweep. One second of slack for clocks between hosts.
        countdown = (message.next_attempt_at - timezone.now()).total_seconds() + 1
        raise self.retry(countdown=max(countdown, 1))


@shared_task(acks_late=True, soft_time_limit=50, time_limit=55, ignore_result=True)
def messages_sweep_task():
    messages_sweep()
