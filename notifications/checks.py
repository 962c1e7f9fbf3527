"""System checks: a delivery backend that cannot be imported, or delivery timings that do not fit
together, stop runserver, migrate and `manage.py check` (and are logged by a starting worker),
instead of failing or doubling messages later."""
from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from notifications.sms import SHORT_NAMES, sms_backend_path


def _import_problem(dotted_path: str) -> str | None:
    try:
        import_string(dotted_path)
    except Exception as exc:  # a bad path, a missing module, or a module that fails as it loads
        return f"{type(exc).__name__}: {exc}"
    return None


def sms_backend_check(app_configs=None, **kwargs):
    problem = _import_problem(sms_backend_path(settings.SMS_BACKEND))
    if problem is None:
        return []
    return [checks.Error(f"SMS_BACKEND {settings.SMS_BACKEND!r} cannot be imported ({problem}).",
                         hint=f"A dotted path to an SMS backend class, or one of: {', '.join(SHORT_NAMES)}.",
                         id="notifications.E001")]


def email_backend_check(app_configs=None, **kwargs):
    problem = _import_problem(settings.EMAIL_BACKEND)
    if problem is None:
        return []
    return [checks.Error(f"EMAIL_BACKEND {settings.EMAIL_BACKEND!r} cannot be imported ({problem}).",
                         hint="A dotted path to a Django email backend class, e.g. "
                              "django.core.mail.backends.smtp.EmailBackend.",
                         id="notifications.E002")]


# Brokers that hand an unacknowledged task to another worker after a visibility timeout.
VISIBILITY_TIMEOUT_BROKERS = ("redis://", "rediss://", "sqs://")
KOMBU_VISIBILITY_TIMEOUT = 3600


def delivery_timing_check(app_configs=None, **kwargs):
    """A delivery still running is never taken for a dead worker's, and a task still running or
    waiting for its retry countdown is never handed to a second worker by the broker."""
    from notifications.tasks import message_deliver_task

    problems = []
    if settings.OUTBOX_LEASE_SECONDS <= message_deliver_task.time_limit:
        problems.append(checks.Error(
            f"OUTBOX_LEASE_SECONDS ({settings.OUTBOX_LEASE_SECONDS}) is not above the delivery task's "
            f"time limit ({message_deliver_task.time_limit} s): a slow delivery would be sent twice.",
            hint="Raise OUTBOX_LEASE_SECONDS.", id="notifications.E003"))
    if settings.CELERY_BROKER_URL.startswith(VISIBILITY_TIMEOUT_BROKERS):
        visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", KOMBU_VISIBILITY_TIMEOUT)
        longest = max(settings.CELERY_TASK_TIME_LIMIT, settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS + 1)
        if visibility <= longest:
            problems.append(checks.Error(
                f"The broker's visibility_timeout ({visibility} s) is not above the longest a task runs or "
                f"waits for its retry ({longest} s): the broker would hand such tasks to a second worker.",
                hint="Raise CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'] or lower "
                     "OUTBOX_RETRY_BACKOFF_MAX_SECONDS.", id="notifications.E004"))
    return problems
