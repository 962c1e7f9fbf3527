"""Promotions throughput: generating 10,000 codes through the API, validating codes.

Runs against its own PostgreSQL database (mookh_bench_promos, recreated each time) on the server
of DATABASE_URL. `python -m benchmarks.promos` runs it alone.
"""
import os
import time
import uuid
from decimal import Decimal
from urllib.parse import urlparse, urlunparse

BENCH_DATABASE = "mookh_bench_promos"
GENERATE = 10_000
PURE_SECONDS = 2.0
ENDPOINT_SECONDS = 3.0


def _recreate_database(url: str) -> str:
    import psycopg2

    parts = urlparse(url)
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
                             password=parts.password, dbname="postgres", connect_timeout=5)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    admin.close()
    return urlunparse(parts._replace(path=f"/{BENCH_DATABASE}"))


def _django_on(url: str, name: str) -> None:
    """Point Django (set up here, or already by a runner) at database `name` of `url`."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mookh.settings")
    import django
    from django.conf import settings
    from django.db import connections

    django.setup()
    connections["default"].close()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def _fixtures():
    from django.contrib.auth.models import Group
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    from stores.models import Event, EventCategory, Store, StoreType, Ticket
    from users.models import User

    owner = User.objects.create_user(f"bench-{uuid.uuid4().hex[:8]}@example.com", "Bench-pass-2026",
                                     is_verified=True)
    owner.groups.add(Group.objects.get(name="store_owner"))
    store = Store.objects.create(store_name="Bench store", owner=owner,
                                 store_type=StoreType.objects.get_or_create(name="events")[0])
    event = Event.objects.create(store=store, event_category=EventCategory.objects.create(category_name="Bench"),
                                 event_name="Bench event", event_description="-", start_date="2030-01-01T18:00Z",
                                 is_published=True)
    ticket = Ticket.objects.create(event=event, ticket_name="Regular", ticket_value=Decimal("1000.00"),
                                   prices={"KES": "1000.00"}, quantity=1_000_000, is_published=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(owner).access_token}")
    return client, store, ticket


def _generate(client, store) -> tuple[float, list[str]]:
    started = time.perf_counter()
    response = client.post(f"/stores/store/{store.id}/promocode-groups/",
                           {"generate": GENERATE, "discount_type": "PERCENT", "percent_discount": 10,
                            "max_uses": 100}, format="json")
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.content[:500]
    return elapsed, response.json()["codes"]


def _pure_rate(store, ticket, code: str) -> float:
    from django.utils import timezone

    from promos.pricing import promo_discount
    from promos.selectors import promo_cart_line, promo_code_find, promo_rules_for

    rules = promo_rules_for(promo_code_find(store_id=store.id, code=code))
    line = promo_cart_line(item_id=ticket.id, type_name=ticket.TYPE_NAME, quantity=2)
    now, count, started = timezone.now(), 0, time.perf_counter()
    while time.perf_counter() - started < PURE_SECONDS:
        for _ in range(1000):
            promo_discount(rules=rules, line=line, customer_uses=0, now=now)
        count += 1000
    return count / (time.perf_counter() - started)


def _endpoint_rate(ticket, codes: list[str]) -> float:
    from rest_framework.test import APIClient

    client, count, started = APIClient(), 0, time.perf_counter()
    while time.perf_counter() - started < ENDPOINT_SECONDS:
        response = client.post("/stores/promo_codes/validate/", {
            "code": codes[count % len(codes)].lower(), "item_id": str(ticket.id), "type_name": ticket.TYPE_NAME,
            "item_quantity": 2, "customer": {"email": "ann@example.com", "phone_number": "+254720000001"}},
            format="json")
        assert response.status_code == 200 and response.json()["valid"], response.content[:500]
        count += 1
    return count / (time.perf_counter() - started)


def main():
    total_started = time.perf_counter()
    original_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mookh")
    _django_on(_recreate_database(original_url), BENCH_DATABASE)
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        client, store, ticket = _fixtures()
        generate_seconds, codes = _generate(client, store)
        pure = _pure_rate(store, ticket, codes[0])
        endpoint = _endpoint_rate(ticket, codes)
    finally:
        _django_on(original_url, urlparse(original_url).path.lstrip("/"))
    print("promos:")
    print(f"  generate {GENERATE:,} codes through the API: {generate_seconds:.2f} s")
    print(f"  validate, pure function: {pure:,.0f} codes/s")
    print(f"  validate, POST /stores/promo_codes/validate/: {endpoint:,.0f} codes/s (one client, in-process)")
    print(f"  total {time.perf_counter() - total_started:.1f} s")


if __name__ == "__main__":
    main()
