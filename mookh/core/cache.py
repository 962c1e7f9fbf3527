"""Django's Redis cache, except that a Redis that is down behaves as an empty cache.

The cache holds throttles, resend limits and provider tokens: losing them for a while is better
than failing every request, so a connection error or timeout is logged and answered as a cache
that has just forgotten everything (get: the default; add: True; incr: ValueError, as for a
missing key). Short socket timeouts, and after a failure this process leaves Redis alone for
SERVER_DOWN_PAUSE_SECONDS (mookh.core.breaker).
"""
import logging

from django.conf import settings
from django.core.cache.backends import redis as django_redis
from redis.exceptions import ConnectionError, TimeoutError

from mookh.core.breaker import CircuitBreaker

logger = logging.getLogger(__name__)
UNREACHABLE = (ConnectionError, TimeoutError)
TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}
_servers = CircuitBreaker()


def _unless_down(fallback):
    """Call the Redis operation unless Redis is down; then return `fallback(*args)` instead."""
    def decorate(operation):
        def call(self, *args):
            if not _servers.allows(self.server):
                return fallback(*args)
            try:
                result = operation(self, *args)
            except UNREACHABLE:
                _servers.failed(self.server, pause=settings.SERVER_DOWN_PAUSE_SECONDS)
                logger.error("cache at %s unreachable: answering as an empty cache for %s s",
                             self.server, settings.SERVER_DOWN_PAUSE_SECONDS, exc_info=True)
                return fallback(*args)
            _servers.succeeded(self.server)
            return result
        return call
    return decorate


def _missing_key(*args):
    raise ValueError("Key not found.")  # what incr says of a missing key


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **{**TIMEOUTS, **options})
        self.server = servers[0].split("@")[-1]  # no password in the logs
        self._client_by_pool = {}

    add = _unless_down(lambda *args: True)(django_redis.RedisCacheClient.add)
    get = _unless_down(lambda key, default: default)(django_redis.RedisCacheClient.get)
    set = _unless_down(lambda *args: None)(django_redis.RedisCacheClient.set)
    touch = _unless_down(lambda *args: False)(django_redis.RedisCacheClient.touch)
    delete = _unless_down(lambda *args: False)(django_redis.RedisCacheClient.delete)
    get_many = _unless_down(lambda keys: {})(django_redis.RedisCacheClient.get_many)
    has_key = _unless_down(lambda *args: False)(django_redis.RedisCacheClient.has_key)
    incr = _unless_down(_missing_key)(django_redis.RedisCacheClient.incr)
    set_many = _unless_down(lambda data, timeout: list(data))(django_redis.RedisCacheClient.set_many)
    delete_many = _unless_down(lambda *args: None)(django_redis.RedisCacheClient.delete_many)
    clear = _unless_down(lambda *args: False)(django_redis.RedisCacheClient.clear)

    def get_client(self, key=None, *, write=False):
        # Django builds a new client object (not a connection) on every call, which costs more
        # than a round trip to a local Redis; one client per server and process is shared.
        pool = self._get_connection_pool(write)
        client = self._client_by_pool.get(pool)
        if client is None:
            client = self._client_by_pool[pool] = self._client(connection_pool=pool)
        return client

    @_unless_down(lambda counters: [1] * len(counters))
    def count_many(self, counters):
        """Add one to each counter of `counters` [(key, timeout)] (each created at 0 to live
        `timeout` s) and return their new values: one round trip for all, where add then incr
        take three for each (Django's incr first asks whether the key exists)."""
        pipe = self.get_client(write=True).pipeline(transaction=False)
        for key, timeout in counters:
            pipe.set(key, 0, nx=True, ex=timeout)
            pipe.incr(key)
        return pipe.execute()[1::2]


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count_many(self, counters, version=None):
        return self._cache.count_many([(self.make_and_validate_key(key, version=version), timeout)
                                       for key, timeout in counters])


def cache_count(cache, counters: list[tuple[str, int]]) -> list[int]:
    """Add one to each counter of `counters` [(key, timeout)], each living `timeout` s from its
    first use; returns their new counts. An unreachable Redis counts 1 (an empty cache)."""
    if isinstance(cache, RedisCache):
        return cache.count_many(counters) if counters else []
    return [_count_one(cache, key, timeout) for key, timeout in counters]


def _count_one(cache, key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first use of a new window
        cache.add(key, 1, timeout=timeout)
        return 1
