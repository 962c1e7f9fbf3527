from celery import shared_task

from notifications.services import message_deliver


@shared_task(acks_late=True)
def message_deliver_task(*, message_id: str):
    message_deliver(message_id=message_id)
