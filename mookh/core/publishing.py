"""Queueing a Celery task from a request without waiting on a broker that is down.

One attempt, with the short timeouts of CELERY_BROKER_TRANSPORT_OPTIONS and no publish retry
(settings); after a failure this process publishes nothing to that broker for
SERVER_DOWN_PAUSE_SECONDS, so an unreachable broker costs one request its timeout, not every
request. Callers use it only for work also kept in the database (an outbox row, a payment
attempt), where a periodic job finds what could not be queued.
"""
import logging

from django.conf import settings

from mookh.core.breaker import CircuitBreaker

logger = logging.getLogger(__name__)
_broker = CircuitBreaker()


def task_publish(task, *, kwargs: dict, countdown: float | None = None) -> bool:
    """Queue `task` with `kwargs`; False when the broker is unreachable (logged). Never raises."""
    app = task.app
    broker = app.conf.broker_write_url or app.conf.broker_url
    eager = app.conf.task_always_eager
    if not eager and not _broker.allows(broker):
        return False
    try:
        task.apply_async(kwargs=kwargs, countdown=countdown)
    except Exception:  # kombu/redis raise several types; any of them means "not queued now"
        if not eager:
            _broker.failed(broker, pause=settings.SERVER_DOWN_PAUSE_SECONDS)
        logger.warning("could not publish %s", task.name, exc_info=True)
        return False
    _broker.succeeded(broker)
    return True
