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


# --- Work queued in batches: a busy request path pays one Redis round trip, not a Celery publish.
# Ids go to a Redis list beside the broker's queues; the first id after a drain also queues the
# draining task (a flag, set if absent, says one is on its way), and that task turns the ids
# into tasks of their own on a worker. The list is a shortcut, not the record: the caller keeps
# the work in the database, where a periodic job finds ids the list lost with its Redis.
BATCH_LIST_KEY = "batch:{name}:{queue}"
BATCH_FLAG_KEY = "batch:{name}:{queue}:drain-queued"
# A drain queued but not run in this long (a worker that is down) is queued again by the next id.
BATCH_FLAG_SECONDS = 10
_batch_clients: dict[str, object] = {}


def _batch_redis(app):
    """The broker's Redis, or None where there is none (eager tasks, `make run`, another broker)."""
    broker = app.conf.broker_write_url or app.conf.broker_url
    if app.conf.task_always_eager or not str(broker).startswith(("redis://", "rediss://")):
        return None
    if broker not in _batch_clients:
        import redis

        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        _batch_clients[broker] = redis.Redis.from_url(
            broker, socket_timeout=options.get("socket_timeout", 1),
            socket_connect_timeout=options.get("socket_connect_timeout", 1))
    return _batch_clients[broker]


def _batch_keys(name: str, app) -> tuple[str, str]:
    queue = app.conf.task_default_queue
    return BATCH_LIST_KEY.format(name=name, queue=queue), BATCH_FLAG_KEY.format(name=name, queue=queue)


def batch_add(name: str, item: str, *, task, item_kwarg: str, drain_task) -> bool:
    """Queue `item` for `drain_task`, which queues `task(**{item_kwarg: item})`; without a Redis
    broker, queue that task at once. False when nothing could be queued (logged). Never raises."""
    client = _batch_redis(drain_task.app)
    if client is None:
        return task_publish(task, kwargs={item_kwarg: item})
    broker = drain_task.app.conf.broker_write_url or drain_task.app.conf.broker_url
    if not _broker.allows(broker):
        return False
    list_key, flag_key = _batch_keys(name, drain_task.app)
    try:
        pipe = client.pipeline(transaction=False)
        pipe.rpush(list_key, item)
        pipe.set(flag_key, 1, nx=True, ex=BATCH_FLAG_SECONDS)
        _, drain_needed = pipe.execute()
    except Exception:
        _broker.failed(broker, pause=settings.SERVER_DOWN_PAUSE_SECONDS)
        logger.warning("could not queue %s for %s", item, name, exc_info=True)
        return False
    return task_publish(drain_task, kwargs={}) if drain_needed else True


def batch_take(name: str, *, app, limit: int) -> list[str]:
    """Up to `limit` queued items of `name`, oldest first, taken off the list. The flag goes
    first, so that an item added after this read queues another drain."""
    client = _batch_redis(app)
    if client is None:
        return []
    list_key, flag_key = _batch_keys(name, app)
    client.delete(flag_key)
    return [item.decode() for item in client.lpop(list_key, limit) or []]
