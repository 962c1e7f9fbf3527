"""The periodic jobs for `make run`: with no broker there is no worker and no `celery beat`, so the
development server runs settings.CELERY_BEAT_SCHEDULE itself, in a daemon thread. Unpaid orders
expire (their units go back on sale), reminders go out and the outbox is swept, as in production.

Started by mookh/wsgi.py in the process `manage.py runserver` serves from (the autoreloader's child),
only when tasks run in-process (CELERY_TASK_ALWAYS_EAGER, the default without CELERY_BROKER_URL).
With a broker, `make beat` runs the same schedule.
"""
import logging
import os
import sys
import threading

from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Seconds between looks at the schedule; each job still runs at its own interval.
POLL_SECONDS = 1.0


class InProcessBeat:
    """Runs each entry of a Celery beat schedule (`{"name": {"task": dotted path, "schedule": …}}`)
    at its interval, in the calling process. Every job runs at the first tick."""

    def __init__(self, entries: dict):
        self.jobs = []
        for name, entry in entries.items():
            self.jobs.append({
                "name": name, "task": import_string(entry["task"]), "schedule": maybe_schedule(entry["schedule"]),
                "args": tuple(entry.get("args", ())), "kwargs": dict(entry.get("kwargs", {})),
                "last_run_at": None,
            })

    def tick(self) -> list[str]:
        """Run the jobs that are due; returns their names."""
        ran = []
        for job in self.jobs:
            schedule = job["schedule"]
            if job["last_run_at"] is not None and not schedule.is_due(job["last_run_at"]).is_due:
                continue
            try:
                job["task"](*job["args"], **job["kwargs"])  # the tasks it fans out run in-process (eager)
            except Exception:
                logger.exception("periodic job %s failed", job["name"])
            # The interval counts from the end of a run: a slow job never runs back to back.
            job["last_run_at"] = schedule.now()
            ran.append(job["name"])
        return ran

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                close_old_connections()
                self.tick()
                close_old_connections()
                stop.wait(POLL_SECONDS)
        finally:
            connection.close()


_started: threading.Thread | None = None


def _serving_for_runserver() -> bool:
    if len(sys.argv) < 2 or sys.argv[1] != "runserver":
        return False
    # The autoreloader's parent only watches files; its child (RUN_MAIN) serves.
    return os.environ.get("RUN_MAIN") == "true" or "--noreload" in sys.argv


def start_for_development_server() -> threading.Thread | None:
    """Start the jobs' thread when this process is runserver's and tasks run in-process."""
    global _started
    if _started is not None or not settings.CELERY_TASK_ALWAYS_EAGER or not _serving_for_runserver():
        return None
    beat = InProcessBeat(settings.CELERY_BEAT_SCHEDULE)
    _started = threading.Thread(target=beat.run, args=(threading.Event(),), name="inprocess-beat", daemon=True)
    _started.start()
    logger.info("periodic jobs run in this process: %s", ", ".join(settings.CELERY_BEAT_SCHEDULE))
    return _started
