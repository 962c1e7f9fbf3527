"""Limits on checking promo codes, which anyone may do: codes must not be guessable by trying.

Per client address and per item, every check counts; failed guesses (unknown codes) count
again on their own, tighter limit, after which the address is refused until the window ends.
"""
from rest_framework.throttling import BaseThrottle

from mookh.core.throttling import client_address, limit_hit, limit_reached, per_address, per_value

FAILURES = "promo_validate_failures"


class PromoGuessThrottle(BaseThrottle):
    """Refuses an address that has made too many failed guesses in the current window."""

    scope = FAILURES
    keyed_by = "failures"  # counted by promo_guess_failed, not per request

    def __init__(self):
        self._wait = None

    def allow_request(self, request, view) -> bool:
        self._wait = limit_reached(FAILURES, f"{FAILURES}:{client_address(request)}")
        return not self._wait

    def wait(self):
        return int(self._wait) if self._wait else None


def promo_guess_failed(request) -> None:
    """Count a check of a code that does not exist against the caller's address."""
    limit_hit(FAILURES, f"{FAILURES}:{client_address(request)}")


PROMO_VALIDATE_THROTTLES = (
    per_address("promo_validate"),
    per_value("promo_validate_item", "item_id"),
    PromoGuessThrottle,
)
