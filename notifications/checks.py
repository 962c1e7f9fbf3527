"""System checks: a delivery backend that cannot be imported stops runserver, migrate and
`manage.py check` (and is logged by a starting worker), instead of failing every message later."""
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
