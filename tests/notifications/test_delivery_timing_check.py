"""Start-up is refused when the outbox lease, the task time limits and the broker's visibility
timeout do not fit together (a message could be sent twice)."""
from django.core import checks


def _check_ids() -> list[str]:
    return [problem.id for problem in checks.run_checks(tags=["notifications"]) if problem.is_serious()]


def test_no_problem_when_timings_are_the_defaults():
    assert _check_ids() == []


def test_start_up_refused_when_lease_is_not_above_the_delivery_time_limit(settings):
    settings.OUTBOX_LEASE_SECONDS = 45
    assert _check_ids() == ["notifications.E003"]


def test_start_up_refused_when_visibility_timeout_is_below_the_longest_retry_wait(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "visibility_timeout": 1800}
    assert _check_ids() == ["notifications.E004"]
    settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS = 600
    assert _check_ids() == []


def test_visibility_timeout_not_checked_when_broker_has_none(settings):
    settings.CELERY_BROKER_URL = "amqp://127.0.0.1:5672//"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60}
    assert _check_ids() == []
