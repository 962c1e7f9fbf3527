import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mookh.settings")

app = Celery("mookh")
# Every CELERY_* Django setting configures the app (broker, eager mode, time limits).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
