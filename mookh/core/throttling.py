"""Request limits that changing address or headers does not get around.

Each limit is a fixed-window counter in the shared cache (Redis in production, so it holds
across gunicorn workers and hosts), moved with an atomic `add` + `incr`. A limit is keyed either
by the client's address or by what the request names (an email, a phone, an order number), so
that an attacker who rotates addresses still runs into the limit of the account they target,
while per-address limits stay generous for the thousands of buyers behind one carrier NAT.

A rate of one ("1/30s") is a cool-down instead: after a use, none until that long has passed
since it (a fixed window would let two uses straddle its boundary).

The client's address is REMOTE_ADDR unless NUM_PROXIES (settings) says that many proxies of our
own stand in front: only then is the matching entry of X-Forwarded-For believed.
"""
import functools
import hashlib
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache, caches
from django.http import JsonResponse
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from mookh.core.cache import cache_count

Identify = Callable[[object, object], list[str]]


def client_address(request) -> str:
    """The caller's address; X-Forwarded-For counts only behind NUM_PROXIES trusted proxies."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "NUM_PROXIES", 0) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(proxies, len(addresses))]


def rate_parse(rate: str) -> tuple[int, int]:
    """"20/min" → (20, 60); "5/15m" → (5, 900). Units: s, m(in), h(our), d(ay)."""
    count, period = rate.split("/")
    digits = "".join(ch for ch in period if ch.isdigit()) or "1"
    unit = period[len(digits):] if period[:len(digits)] == digits else period
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit[0]]
    return int(count), int(digits) * seconds


def _key(scope: str, identifier: str, window_index: int) -> str:
    return f"limit:{scope}:{hashlib.sha256(identifier.encode()).hexdigest()[:32]}:{window_index}"


def _window(scope: str, rate: str | None) -> tuple[int, int, float, int] | None:
    """(allowed, window seconds, now, index of the current window), or None when unlimited."""
    rate = rate or api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    if not rate:
        return None
    allowed, window = rate_parse(rate)
    now = time.time()
    return allowed, window, now, int(now // window)


def limit_hit(scope: str, identifier: str, *, rate: str | None = None) -> float | None:
    """Count one use of `scope` by `identifier`; seconds to wait when over the limit, else None.

    Services use it too (e.g. to count failures rather than requests).
    """
    return limits_hit([(scope, identifier, rate)])[0]


def limits_hit(uses: list[tuple[str, str, str | None]]) -> list[float | None]:
    """`limit_hit` for each (scope, identifier, rate or None for the scope's own) of `uses`, with
    one round trip to the cache for all the fixed windows among them."""
    waits: list[float | None] = [None] * len(uses)
    counted = []  # (position in uses, key, allowed, window, now, index of the window)
    for position, (scope, identifier, rate) in enumerate(uses):
        current = _window(scope, rate)
        if current is None or not identifier:
            continue
        allowed, window, now, index = current
        if allowed == 1:
            waits[position] = _cooldown_hit(_key(scope, identifier, 0), window, now)
        else:
            counted.append((position, _key(scope, identifier, index), allowed, window, now, index))
    counts = cache_count(caches["default"], [(key, window + 1) for _, key, _, window, _, _ in counted])
    for (position, _, allowed, window, now, index), count in zip(counted, counts):
        if count > allowed:
            waits[position] = max((index + 1) * window - now, 1.0)
    return waits


def _cooldown_hit(key: str, period: int, now: float) -> float | None:
    """One use per `period` seconds: the key holds when the cool-down ends."""
    for _ in range(2):  # a second try when the cool-down ended between `add` and `get`
        if cache.add(key, now + period, timeout=period):
            return None
        until = cache.get(key)
        if until is not None and until > now:
            return max(until - now, 1.0)
    return None


def limit_reached(scope: str, identifier: str, *, rate: str | None = None) -> float | None:
    """Seconds to wait when `identifier` is over the limit of `scope` now (truthy), else None;
    counts nothing."""
    current = _window(scope, rate)
    if current is None or not identifier:
        return None
    allowed, window, now, index = current
    if allowed == 1:
        until = cache.get(_key(scope, identifier, 0))
        return None if until is None or until <= now else max(until - now, 1.0)
    if (cache.get(_key(scope, identifier, index)) or 0) < allowed:
        return None
    return max((index + 1) * window - now, 1.0)


class LimitThrottle(BaseThrottle):
    """One limit: `scope` names its rate in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], and
    `identify(request, view)` says whom it counts (no identifier: the limit does not apply)."""

    scope: str = ""
    identify: Identify
    # What it counts per: "address" (every public route has such a limit), "body" (a value the
    # request names), "order", "key"… (tests/core/test_route_limits.py reads it).
    keyed_by: str = ""

    def __init__(self):
        self._wait: float | None = None

    def allow_request(self, request, view) -> bool:
        self._wait = _view_limit_waits(request, view).get(type(self))
        return self._wait is None

    def wait(self) -> float | None:
        return math.ceil(self._wait) if self._wait else None


def _view_limit_waits(request, view) -> dict[type, float]:
    """The wait of each of the view's LimitThrottles that is over its limit: all of them counted
    on the first one's turn, in one round trip (DRF asks every throttle, refused or not)."""
    counted = _limits_counted(request, view)
    return counted if counted is not None else _limits_count(request, view, keyed_by=None)


def address_limits_hit(request, view) -> float | None:
    """For a request refused before DRF reached the view's throttles (authentication and permissions
    run first): count its per-address limits, unless they were counted already; the wait when one
    is over its limit, else None."""
    if _limits_counted(request, view) is not None:
        return None
    waits = _limits_count(request, view, keyed_by="address")
    return max(waits.values()) if waits else None


def _limits_counted(request, view) -> dict[type, float] | None:
    """The waits already counted for this request and view, or None."""
    memo = getattr(request, "_request", request).__dict__.get("_limit_waits")
    return memo[1] if memo is not None and memo[0] is view else None


def _limits_count(request, view, *, keyed_by: str | None) -> dict[type, float]:
    """Count the view's LimitThrottles (those keyed by `keyed_by` alone, when given) in one round trip,
    and remember that this request was counted."""
    throttles = [type(throttle) for throttle in view.get_throttles() if isinstance(throttle, LimitThrottle)
                 and keyed_by in (None, throttle.keyed_by)]
    uses, owners = [], []
    for throttle in throttles:
        for identifier in throttle.identify(request, view):
            uses.append((throttle.scope, f"{throttle.scope}:{identifier}", None))
            owners.append(throttle)
    waits: dict[type, float] = {}
    for throttle, wait in zip(owners, limits_hit(uses)):
        if wait is not None:
            waits.setdefault(throttle, wait)
    getattr(request, "_request", request).__dict__["_limit_waits"] = (view, waits)
    return waits


def per_address(scope: str) -> type[LimitThrottle]:
    """A generous limit per client address (many honest buyers share one carrier address)."""
    return type(f"PerAddress_{scope}", (LimitThrottle,),
                {"scope": scope, "keyed_by": "address",
                 "identify": staticmethod(lambda request, view: [client_address(request)])})


def per_path_value(scope: str, name: str) -> type[LimitThrottle]:
    """A limit per value of the path's `name` (an order id, a download link): what is targeted."""
    return type(f"PerPath_{scope}", (LimitThrottle,),
                {"scope": scope, "keyed_by": name,
                 "identify": staticmethod(lambda request, view: [str(view.kwargs.get(name, ""))])})


# Every DRF view's limit unless it names its own (REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]).
ApiAddressLimit = per_address("api_address")


def _throttled_json(request, seconds: int) -> JsonResponse:
    """DRF's 429 body and code, for a view outside DRF."""
    return JsonResponse({"detail": f"Request was throttled. Expected available in {seconds} seconds.",
                         "code": "throttled"}, status=429)


def address_limited(scope: str, *, refused: Callable[[object, int], object] | None = None):
    """A per-address limit for a plain Django view (DRF views take `per_address` throttles); counts
    with them under the same scope. `refused(request, seconds)` answers instead of the JSON 429
    (a page for browsers); Retry-After is set either way. The view lists its scopes in
    `limit_scopes`."""

    def decorate(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            wait = limit_hit(scope, f"{scope}:{client_address(request)}")
            if wait is None:
                return view(request, *args, **kwargs)
            seconds = max(math.ceil(wait), 1)
            response = (refused or _throttled_json)(request, seconds)
            response["Retry-After"] = str(seconds)
            return response

        limited.limit_scopes = (*getattr(view, "limit_scopes", ()), scope)
        return limited

    return decorate


def _value_at(data, path: str):
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def per_value(scope: str, *paths: str, normalize: Callable[[str], str] = lambda value: value.strip().lower(),
              exempt: Callable[[object], bool] | None = None) -> type[LimitThrottle]:
    """A limit per value the request names (body fields, dotted for nested ones, e.g.
    "customer.email"), each counted separately; bodies without the field are not counted here,
    nor requests for which `exempt(request)` is true."""

    def identify(request, view) -> list[str]:
        try:
            data = request.data
        except Exception:  # an unparsable body: the view answers 400 for it
            return []
        if exempt is not None and exempt(request):
            return []
        found = []
        for path in paths:
            value = _value_at(data, path) if hasattr(data, "get") else None
            if isinstance(value, str) and value.strip():
                found.append(f"{path}={normalize(value)}")
        return found

    return type(f"PerValue_{scope}", (LimitThrottle,),
                {"scope": scope, "keyed_by": "body", "identify": staticmethod(identify)})
