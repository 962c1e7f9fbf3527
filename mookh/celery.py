import logging
import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mookh.settings")

app = Celery("mookh")
# Every CELERY_* Django setting configures the app (broker, eager mode, time limits).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def log_configuration_errors(**kwargs):
    """Celery runs Django's system checks as the worker starts but shows none of them: a backend
    that cannot be imported (SMS_BACKEND…) would only surface as failed deliveries."""
    from django.core import checks

    for problem in checks.run_checks(tags=["notifications"]):
        if problem.is_serious():
            logging.getLogger("mookh.celery").error("configuration: %s", problem)
