"""M-Pesa paybill confirmations under replay: Daraja's C2B Confirmation posted at a steady rate to
gunicorn, each payment several times (shuffled, concurrently); most name an order, some an
account number that names none (kept as unmatched money).

Prints the rate achieved, latency percentiles, and what was credited or kept: every payment once.
"""
import json
import os
import random
import statistics
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from benchmarks.support import Gunicorn, bench_database_url, django_setup

PAYMENTS = int(os.environ.get("BENCH_PAYBILL_PAYMENTS", 200))
UNMATCHED = int(os.environ.get("BENCH_PAYBILL_UNMATCHED", 40))
REPLAYS = int(os.environ.get("BENCH_PAYBILL_REPLAYS", 5))
RATE = float(os.environ.get("BENCH_PAYBILL_RATE", 50))  # confirmations per second
CLIENTS = 16
WORKERS = int(os.environ.get("BENCH_WORKERS", 3))
QUEUE = f"mookh-bench-paybill-{uuid.uuid4().hex[:8]}"


def _orders(count: int) -> list:
    """Pay-later orders placed through the engine (no prompt is sent): (order number, amount)."""
    from django.utils import timezone

    from orders.services import LineInput, OrderRequest, Person, order_place
    from stores.models import Event, EventCategory, Store, StoreType, Ticket
    from users.models import User

    owner = User.objects.create_user(f"bench-owner-{uuid.uuid4()}@example.com", "x", is_verified=True)
    store = Store.objects.create(store_name="Bench", store_type=StoreType.objects.get_or_create(name="events")[0],
                                 owner=owner)
    event = Event.objects.create(store=store, event_category=EventCategory.objects.create(category_name="Bench"),
                                 event_name="Paybill", event_description="bench", is_published=True,
                                 start_date=timezone.now() + timedelta(days=7))
    ticket = Ticket.objects.create(event=event, ticket_name="General", prices={"KES": "1000.00"}, ticket_value=1000,
                                   quantity=count, is_published=True, allow_pay_later=True)
    orders = []
    for n in range(count):
        order = order_place(OrderRequest(
            customer=Person(name=f"Fan {n}", email=f"fan{n}@example.com", phone_number=f"+2547{n:08d}"),
            lines=(LineInput(item_id=ticket.pk, type_name="store.ticket", item_quantity=1),),
            currency="KES", payment_method="MOBILE", is_pay_later=True)).order
        orders.append((order.order_number, order.order_amount))
    return orders


def _confirmation(account: str, amount, n: int) -> bytes:
    """Daraja's Confirmation body (payments.md §1.9), the account number typed in lower case."""
    return json.dumps({
        "TransactionType": "Pay Bill", "TransID": f"BNCH{n:06d}", "TransTime": "20261203063845",
        "TransAmount": f"{amount:.0f}", "BusinessShortCode": "600638", "BillRefNumber": account.lower(),
        "InvoiceNumber": "", "OrgAccountBalance": "", "ThirdPartyTransID": "", "MSISDN": "25470****149",
        "FirstName": "John", "MiddleName": "", "LastName": "Doe"}).encode()


def _deliver(url: str, bodies: list[bytes]) -> tuple[list[float], dict, float]:
    """POST every body, paced at RATE per second over CLIENTS threads: latencies, statuses, seconds."""
    started = time.monotonic()

    def post(item):
        index, body = item
        delay = started + index / RATE - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
        begin = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        return time.monotonic() - begin, status

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(post, enumerate(bodies)))
    statuses: dict = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    return [latency for latency, _ in results], statuses, time.monotonic() - started


def main() -> None:
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    database_url = bench_database_url("mookh_bench_paybill")
    django_setup(database_url)
    from django.conf import settings

    orders = _orders(PAYMENTS)
    payments = [(number, amount) for number, amount in orders] + [(f"NOPE{n:02d}", 500) for n in range(UNMATCHED)]
    bodies = [_confirmation(account, amount, n) for n, (account, amount) in enumerate(payments)] * REPLAYS
    random.Random(7).shuffle(bodies)
    server_env = {"CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_TASK_DEFAULT_QUEUE": QUEUE}
    with Gunicorn(database_url=database_url, workers=WORKERS, extra_env=server_env) as server:
        url = f"{server.url}/payments/callbacks/paybill/{settings.MPESA_CALLBACK_TOKEN}/confirmation/"
        latencies, statuses, seconds = _deliver(url, bodies)
    _queue_drop()

    from orders.models import Order
    from payments.models import Payment, ProviderCallback, UnmatchedPayment

    credited = Payment.objects.filter(provider="mpesa", reference__startswith="BNCH").count()
    paid = Order.objects.filter(status="PAID").count()
    unmatched = UnmatchedPayment.objects.count()
    outcomes = {outcome: ProviderCallback.objects.filter(outcome=outcome).count()
                for outcome in ("credited", "review", "duplicate")}
    quantiles = statistics.quantiles(latencies, n=100)
    exact = credited == paid == PAYMENTS and unmatched == UNMATCHED
    print(f"paybill: {len(bodies)} C2B confirmations ({PAYMENTS} to orders + {UNMATCHED} unmatched, x {REPLAYS}, "
          f"shuffled) at {len(bodies) / seconds:.0f}/s over {CLIENTS} clients, gunicorn {WORKERS} workers")
    print(f"  latency p50 {quantiles[49] * 1000:.0f} ms, p99 {quantiles[98] * 1000:.0f} ms; statuses {statuses}")
    print(f"  credited {credited} (paid orders {paid}), unmatched {unmatched}; callbacks {outcomes}: "
          f"{'each payment once' if exact else 'MISMATCH'}")


def _queue_drop() -> None:
    import redis

    redis.Redis.from_url(os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")).delete(QUEUE)


if __name__ == "__main__":
    main()
