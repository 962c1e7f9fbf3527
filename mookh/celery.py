import logging
import os

from celery import Celery
from celery.signals import setup_logging, worker_init
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mookh.settings")

app = Celery("mookh")
# Every CELERY_* Django setting configures the app (broker, eager mode, time limits).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each task's log lines carry its task_id and the request_id of the request that queued it.
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def use_project_logging(loglevel=None, **kwargs):
    """Workers and beat log as the web processes do (LOGGING: JSON lines by default), not in
    Celery's own format; `--loglevel` still sets how much."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
    if loglevel:
        root = logging.getLogger()
        root.setLevel(loglevel)
        for handler in root.handlers:
            handler.setLevel(loglevel)


@worker_init.connect
def log_configuration_errors(**kwargs):
    """Celery runs Django's system checks as the worker starts but shows none of them: a backend
    that cannot be imported (SMS_BACKEND…) would only surface as failed deliveries."""
    from django.core import checks

    for problem in checks.run_checks(tags=["notifications"]):
        if problem.is_serious():
            logging.getLogger("mookh.celery").error("configuration: %s", problem)
