"""A server that just failed is skipped for a moment, so that requests stop waiting on it.

Per process (each gunicorn worker learns on its own): the first call after a failure pays the
server's timeout, the calls in the next `pause` seconds are answered at once, and the first call
after that tries the server again.
"""
import time


class CircuitBreaker:
    def __init__(self):
        self._closed_again_at: dict[str, float] = {}

    def allows(self, server: str) -> bool:
        """True unless `server` failed less than its pause ago."""
        return time.monotonic() >= self._closed_again_at.get(server, 0.0)

    def failed(self, server: str, *, pause: float) -> None:
        self._closed_again_at[server] = time.monotonic() + pause

    def succeeded(self, server: str) -> None:
        self._closed_again_at.pop(server, None)
