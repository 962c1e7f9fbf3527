"""Flash sale: N concurrent clients buying through gunicorn + PostgreSQL, driven by wrk.

Prints successful orders/s, p50/p95/p99 latency, sold-out rejections and the oversell count
(units reserved or sold beyond a ticket type's quantity, or not matching the orders: must be 0).
Run with `make bench` (or `python -m benchmarks.flash_sale`); needs `wrk` (Debian package).
"""
import os
import shutil
import uuid
from datetime import timedelta

from benchmarks.support import Gunicorn, bench_database_url, django_setup, queue_drop, wrk_run

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 64))
DURATION = int(os.environ.get("BENCH_SECONDS", 15))
WORKERS = int(os.environ.get("BENCH_WORKERS", 3))
QUEUE = "bench-flash-sale"
# As deployed: each order's payment request is queued to Redis (no worker here sends it), and the
# limits count in Redis (the broker's db 1), shared by the gunicorn workers.
SERVER_ENV = {"CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_TASK_DEFAULT_QUEUE": QUEUE, "CACHE_URL": ""}

WRK_SCRIPT = r"""
local ids = {%(ids)s}

function init(args)
  -- Phones new to this run too (wrk seeds every run alike): the per-phone limit counts in Redis.
  math.randomseed(%(seed)d + thread_id)
  counter = 0
  counts = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local id = ids[math.random(#ids)]
  local phone = string.format("+2547%%08d", (counter * 7919 + math.random(99999999)) %% 100000000)
  local body = '{"currency":"KES","payment_method":"MOBILE","response_type":"json",' ..
    '"customer":{"name":"Fan","email":"fan-%(run)s-' .. thread_id .. '-' .. counter .. '@example.com",' ..
    '"phone_number":"' .. phone .. '"},' ..
    '"order_detail":[{"item_id":"' .. id .. '","type_name":"store.ticket","item_quantity":1}]}'
  return wrk.format(nil, "/stores/orders/", nil, body)
end
"""


def _catalog(types: int, quantity: int) -> list[str]:
    from django.utils import timezone

    from stores.models import Event, EventCategory, Store, StoreType, Ticket
    from users.models import User

    owner = User.objects.create_user(f"bench-owner-{uuid.uuid4()}@example.com", "x", is_verified=True)
    store = Store.objects.create(store_name="Bench", store_type=StoreType.objects.get_or_create(name="events")[0],
                                 owner=owner)
    event = Event.objects.create(store=store, event_category=EventCategory.objects.create(category_name="Bench"),
                                 event_name="Flash sale", event_description="bench", is_published=True,
                                 start_date=timezone.now() + timedelta(days=7))
    tickets = Ticket.objects.bulk_create(
        Ticket(event=event, ticket_name=f"T{n}", prices={"KES": "1000.00"}, ticket_value=1000, quantity=quantity,
               is_published=True) for n in range(types))
    return [str(ticket.pk) for ticket in tickets]


def _oversell(ticket_ids) -> int:
    """Units beyond quantity, plus any mismatch between ticket counters and the orders holding them."""
    from django.db.models import Sum

    from orders.models import OrderLine
    from stores.models import Ticket

    held = dict(OrderLine.objects.filter(ticket_id__in=ticket_ids, order__status__in=["PENDING", "PAID"])
                .values("ticket_id").annotate(units=Sum("item_quantity")).values_list("ticket_id", "units"))
    bad = 0
    for ticket in Ticket.objects.filter(pk__in=ticket_ids):
        taken = ticket.sold + ticket.reserved
        bad += max(0, taken - ticket.quantity) + abs(taken - held.get(ticket.pk, 0))
    return bad


def _run_wrk(url: str, ticket_ids: list[str]) -> dict:
    # Buyers new to this run: the per-buyer limits (counted in Redis) never see one twice.
    run = uuid.uuid4()
    script = WRK_SCRIPT % {"ids": ",".join(f'"{i}"' for i in ticket_ids), "run": run.hex[:12],
                           "seed": run.int % 1_000_000_007}
    return wrk_run(url, script, threads=2, connections=CONNECTIONS, seconds=DURATION)

def _report(name: str, result: dict, ticket_ids: list[str]) -> None:
    seconds = result["duration_us"] / 1e6
    if name.strip().startswith("sell-out"):
        # Throughput means nothing once stock is gone: what matters is exact stock and clean refusals.
        print(f"{name}: {result['statuses'].get('201', 0)} orders, then {result['statuses'].get('409', 0)} "
              f"sold-out rejections; p99 {result['p99_ms']:.0f} ms; oversell {_oversell(ticket_ids)}")
        return
    created = result["statuses"].get("201", 0)
    sold_out = result["statuses"].get("409", 0)
    others = {k: v for k, v in result["statuses"].items() if k not in ("201", "409")}
    print(f"{name}: {created / seconds:.0f} orders/s ({created} orders in {seconds:.1f} s, {CONNECTIONS} clients), "
          f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, "
          f"sold-out rejections {sold_out}, other statuses {others or 'none'}, socket errors {result['errors']}, "
          f"oversell {_oversell(ticket_ids)}")


def main() -> None:
    if not shutil.which("wrk"):
        print("flash_sale: skipped, wrk is not installed (apt-get install wrk)")
        return
    database_url = bench_database_url("mookh_bench_flash_sale")
    django_setup(database_url)
    scenarios = [
        ("one hot ticket type (100,000 units)", _catalog(types=1, quantity=100_000)),
        ("200 ticket types (1,000 units each)", _catalog(types=200, quantity=1_000)),
        ("sell-out: one type with 500 units", _catalog(types=1, quantity=500)),
    ]
    print(f"flash_sale: gunicorn {WORKERS} workers, wrk 2 threads, {CONNECTIONS} clients, {DURATION} s per scenario")
    with Gunicorn(database_url=database_url, workers=WORKERS, extra_env=SERVER_ENV) as server:
        results = [_run_wrk(server.url, ticket_ids) for _, ticket_ids in scenarios]
    queue_drop(QUEUE)
    # Counted once the server has stopped, so that no order is still being written.
    for (name, ticket_ids), result in zip(scenarios, results):
        _report(f"  {name}", result, ticket_ids)


if __name__ == "__main__":
    main()
