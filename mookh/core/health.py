import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from kombu import Connection

from mookh.core.throttling import address_limited

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        logger.exception("health: database unreachable")
        return False


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        return "ok"
    except Exception:
        logger.exception("health: broker unreachable")
        return "unreachable"


@address_limited("api_address")
def health(request):
    database = "ok" if _database_ok() else "unreachable"
    broker = _broker_status()
    healthy = database == "ok" and broker != "unreachable"
    return JsonResponse({"database": database, "broker": broker}, status=200 if healthy else 503)
