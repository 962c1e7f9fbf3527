"""HTTP to payment providers: timeouts and bounded retries on every call, and in sandbox mode a
transport that answers offline and records what would have been sent.

Never called inside a database transaction: a slow provider must not hold row locks.
"""
import json
import logging
import time
from collections.abc import Callable

import httpx
from django.db import connection

logger = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
RETRIES = 2             # after the first try, for connection errors and 5xx only
RETRY_BACKOFF_SECONDS = 0.5

# Every request a sandbox transport answered, newest last: tests and the sandbox page read it.
sandbox_requests: list[dict] = []


class InsideTransaction(RuntimeError):
    """A provider call was attempted inside a database transaction."""


def provider_client(*, base_url: str, sandbox_handler: Callable[[httpx.Request], httpx.Response] | None = None
                    ) -> httpx.Client:
    """A client for one provider; with `sandbox_handler`, nothing leaves the process."""
    transport = httpx.MockTransport(_recording(sandbox_handler)) if sandbox_handler else None
    return httpx.Client(base_url=base_url, timeout=TIMEOUT, transport=transport)


def _recording(handler):
    def handle(request: httpx.Request) -> httpx.Response:
        body = request.content.decode() if request.content else ""
        try:
            body = json.loads(body) if body else None
        except ValueError:
            pass
        sandbox_requests.append({"method": request.method, "url": str(request.url),
                                 "headers": dict(request.headers), "body": body})
        return handler(request)

    return handle


def _inside_transaction() -> bool:
    # A test case's own wrapping transaction does not count: it stands for autocommit.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def send(client: httpx.Client, method: str, url: str, *, retry: bool = True, **kwargs) -> httpx.Response:
    """One call with bounded retries (connection errors and 5xx) and never inside a transaction.

    `retry=False` for requests that are not safe to repeat (an STK push has no idempotency key).
    """
    if _inside_transaction():
        raise InsideTransaction(f"{method} {url} inside a database transaction")
    attempts = 1 + (RETRIES if retry else 0)
    for attempt in range(1, attempts + 1):
        try:
            response = client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            if attempt == attempts:
                raise
            logger.warning("%s %s failed (%s); retrying", method, url, exc)
        else:
            if response.status_code < 500 or attempt == attempts:
                return response
            logger.warning("%s %s answered %s; retrying", method, url, response.status_code)
        time.sleep(RETRY_BACKOFF_SECONDS * attempt)
    raise AssertionError("unreachable")
