"""The login limit lives in the shared cache (Redis): another process sees an account as limited.

The cache is a Redis database of its own with a key prefix unique to this run; the keys are
deleted afterwards (never `cache.clear()`, which would flush the whole database).
"""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.db import connection
from django.test import override_settings

from tests.factories import UserFactory
from tests.factories.users import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = "redis://127.0.0.1:6379/2"
RATE = "3/3650d"
ROOT = Path(__file__).resolve().parents[2]

# Another Django process on the same database and cache: it signs in through the test client.
SIGN_IN = """
import json, os, sys
import django
from django.conf import settings
settings.CACHES = json.loads(os.environ["SHARED_CACHES"])
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client().post("/users/token/", {"email": sys.argv[1], "password": sys.argv[2]},
                         content_type="application/json")
print(response.status_code)
"""


def _sign_in_elsewhere(caches: dict, email: str, password: str) -> int:
    database = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}")
    env = {**os.environ, "SHARED_CACHES": json.dumps(caches), "THROTTLE_LOGIN": RATE,
           "DATABASE_URL": urlunsplit(database), "DJANGO_SETTINGS_MODULE": "mookh.settings"}
    done = subprocess.run([sys.executable, "-c", SIGN_IN, email, password], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def shared_cache():
    prefix = f"test-throttles-{uuid.uuid4().hex}"
    # The backend production runs (settings put it in place of Django's own Redis cache).
    caches = {"default": {"BACKEND": "mookh.core.cache.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": prefix}}
    try:
        with override_settings(CACHES=caches):  # resets django.core.cache.caches on enter and exit
            yield caches
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
        client.close()


def test_login_limit_holds_in_another_process_when_cache_is_redis(api, settings, shared_cache):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": RATE}}
    UserFactory(email="victim@example.com")
    UserFactory(email="neighbour@example.com")
    statuses = [api.post("/users/token/", {"email": "victim@example.com", "password": "guess"}).status_code
                for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert _sign_in_elsewhere(shared_cache, "victim@example.com", PASSWORD) == 429
    assert _sign_in_elsewhere(shared_cache, "neighbour@example.com", PASSWORD) == 200


def test_limit_counts_in_one_redis_round_trip_and_the_window_expires(settings, shared_cache):
    """Each use of a limit is one pipelined SET NX + INCR on Redis; the key lives one window."""
    from django.core.cache import caches

    from mookh.core.throttling import limit_hit

    backend = caches["default"]
    client = backend._cache.get_client(write=True)
    sent = []
    original = client.connection_pool.get_connection

    def counting(*args, **kwargs):
        sent.append(args)
        return original(*args, **kwargs)

    client.connection_pool.get_connection = counting
    try:
        waits = [limit_hit("probe", "caller", rate="2/hour") for _ in range(3)]
    finally:
        client.connection_pool.get_connection = original
    assert waits[:2] == [None, None] and waits[2] > 0
    assert len(sent) == 3  # one connection checkout, so one round trip, per use
    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(match=f"{backend.key_prefix}:*probe*"))
    assert len(keys) == 1 and 3600 <= redis.Redis.from_url(REDIS_URL).ttl(keys[0]) <= 3601


def test_an_order_counts_all_its_limits_in_one_round_trip_and_each_still_refuses(api, settings, shared_cache):
    """Order creation has three limits (address, buyer's email, buyer's phone): one pipeline
    counts them all, and each one alone still refuses when its own counter is over."""
    from django.core.cache import caches

    from tests.orders.conftest import Catalog, order_body

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "api_address": "1000/hour", "order_create_email": "2/hour", "order_create_phone": "3/hour"}}
    catalog = Catalog()
    client = caches["default"]._cache.get_client(write=True)
    checkouts = []
    original = client.connection_pool.get_connection
    client.connection_pool.get_connection = lambda *args, **kwargs: checkouts.append(args) or original(*args, **kwargs)
    try:
        # A card order: its answer (a signed form) needs nothing else from the cache.
        first = api.post("/stores/orders/", order_body((catalog.regular, 1), payment_method="CARD"), format="json")
    finally:
        client.connection_pool.get_connection = original
    assert first.status_code == 201
    assert len(checkouts) == 1
    prefix = caches["default"].key_prefix
    counters = {key.decode().split(":")[3]: int(redis.Redis.from_url(REDIS_URL).get(key))
                for key in redis.Redis.from_url(REDIS_URL).scan_iter(match=f"{prefix}:*limit:*")}
    assert counters == {"api_address": 1, "order_create_email": 1, "order_create_phone": 1}

    same_email = order_body((catalog.regular, 1))
    same_email["customer"]["phone_number"] = "+254733000001"
    assert api.post("/stores/orders/", same_email, format="json").status_code == 201
    refused = api.post("/stores/orders/", same_email, format="json")  # third use of the email
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    other_buyer = order_body((catalog.regular, 1))
    other_buyer["customer"].update(email="someone-else@example.com", phone_number="+254733000002")
    assert api.post("/stores/orders/", other_buyer, format="json").status_code == 201
