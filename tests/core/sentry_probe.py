"""Run by tests/core/test_sentry.py in a process of its own, with SENTRY_DSN set: a request through
the WSGI application to a view that fails unexpectedly (tests.core.urls_failing) and a Celery task
that fails; then waits until Sentry's client has sent what it holds."""
import os
import sys
from wsgiref.util import setup_testing_defaults

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mookh.settings")
django.setup()

import sentry_sdk  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.test import override_settings  # noqa: E402

from mookh.celery import app  # noqa: E402


@app.task(name="tests.sentry_probe.failing_task")
def failing_task():
    raise ValueError("a task that fails")


def start_response(status, headers, exc_info=None):
    print("status", status, flush=True)


environ = {"PATH_INFO": "/stores/failing/", "QUERY_STRING": "email=jane@doe.com", "SERVER_NAME": "testserver",
           "HTTP_HOST": "testserver", "HTTP_COOKIE": "sessionid=cookie-secret-value",
           "HTTP_X_REQUEST_ID": "probe-request-1", "REMOTE_ADDR": "198.51.100.7"}
setup_testing_defaults(environ)
with override_settings(ROOT_URLCONF="tests.core.urls_failing", ALLOWED_HOSTS=["testserver"]):
    b"".join(get_wsgi_application()(environ, start_response))
failing_task.apply()
sentry_sdk.flush(timeout=10)
sys.exit(0)
