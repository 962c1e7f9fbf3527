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


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
