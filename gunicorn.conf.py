"""gunicorn reads this file from the directory it starts in (`make serve`, the Docker image).

Metrics with several workers: when PROMETHEUS_MULTIPROC_DIR is set, every worker process writes
its counts to files there and /metrics adds them up (mookh.core.metrics). The directory starts
empty with each server, and a worker that exits is marked dead so its live gauges stop counting
(its counters still count).
"""
import os
from pathlib import Path


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Tail latency: a full garbage collection walks every object the process tracks (some 200,000
    once the project is loaded; about 60 ms on a 2-core machine), and the requests queued behind it
    wait that long. What is loaded at start (modules, URL configuration, settings) lives as long as
    the worker, so it is frozen out of the collector's sight once loaded."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view, serializer and model the routes use
    gc.collect()
    gc.freeze()
