"""Provider callbacks under replay: M-Pesa STK callbacks posted at a steady rate to gunicorn, each
payment's callback delivered several times (interleaved, concurrently), as Daraja may.

Prints the rate achieved, latency percentiles and what was credited: every payment exactly once.
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

PAYMENTS = int(os.environ.get("BENCH_CALLBACK_PAYMENTS", 200))
REPLAYS = int(os.environ.get("BENCH_CALLBACK_REPLAYS", 5))
RATE = float(os.environ.get("BENCH_CALLBACK_RATE", 50))  # callbacks per second
CLIENTS = 16
WORKERS = int(os.environ.get("BENCH_WORKERS", 3))
QUEUE = f"mookh-bench-callbacks-{uuid.uuid4().hex[:8]}"


def _pending_attempts(count: int) -> list:
    """Orders placed through the engine, each with an M-Pesa prompt sent (sandbox): (reference, amount)."""
    from django.utils import timezone

    from orders.services import LineInput, OrderRequest, Person, order_place
    from payments.models import PaymentAttempt
    from payments.services import payment_push
    from stores.models import Event, EventCategory, Store, StoreType, Ticket
    from users.models import User

    owner = User.objects.create_user(f"bench-owner-{uuid.uuid4()}@example.com", "x", is_verified=True)
    store = Store.objects.create(store_name="Bench", store_type=StoreType.objects.get_or_create(name="events")[0],
                                 owner=owner)
    event = Event.objects.create(store=store, event_category=EventCategory.objects.create(category_name="Bench"),
                                 event_name="Callbacks", event_description="bench", is_published=True,
                                 start_date=timezone.now() + timedelta(days=7))
    ticket = Ticket.objects.create(event=event, ticket_name="General", prices={"KES": "1000.00"}, ticket_value=1000,
                                   quantity=count, is_published=True)
    attempts = []
    for n in range(count):
        order = order_place(OrderRequest(
            customer=Person(name=f"Fan {n}", email=f"fan{n}@example.com", phone_number=f"+2547{n:08d}"),
            lines=(LineInput(item_id=ticket.pk, type_name="store.ticket", item_quantity=1),),
            currency="KES", payment_method="MOBILE")).order
        attempt = payment_push(attempt_id=PaymentAttempt.objects.get(order=order).pk)
        attempts.append((attempt.provider_reference, attempt.amount))
    return attempts


def _callback(reference: str, amount, n: int) -> bytes:
    return json.dumps({"Body": {"stkCallback": {
        "MerchantRequestID": "bench", "CheckoutRequestID": reference, "ResultCode": 0,
        "ResultDesc": "The service request is processed successfully.",
        "CallbackMetadata": {"Item": [{"Name": "Amount", "Value": float(amount)},
                                      {"Name": "MpesaReceiptNumber", "Value": f"BENCH{n:05d}"},
                                      {"Name": "PhoneNumber", "Value": 254700000000 + n}]}}}}).encode()


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
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # the setup's prompts are sent in this process
    database_url = bench_database_url("mookh_bench_callbacks")
    django_setup(database_url)
    from django.conf import settings

    attempts = _pending_attempts(PAYMENTS)
    bodies = [_callback(reference, amount, n) for n, (reference, amount) in enumerate(attempts)] * REPLAYS
    random.Random(7).shuffle(bodies)
    # As deployed: what the callbacks cause (ticket messages) is queued to Redis, not done inline.
    server_env = {"CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_TASK_DEFAULT_QUEUE": QUEUE}
    with Gunicorn(database_url=database_url, workers=WORKERS, extra_env=server_env) as server:
        url = f"{server.url}/payments/callbacks/mpesa/{settings.MPESA_CALLBACK_TOKEN}/"
        latencies, statuses, seconds = _deliver(url, bodies)
    _queue_drop()

    from orders.models import Order
    from payments.models import Payment
    from payments.models import ProviderCallback

    credited = Payment.objects.filter(provider="mpesa").count()
    paid = Order.objects.filter(status="PAID").count()
    outcomes = {outcome: ProviderCallback.objects.filter(outcome=outcome).count()
                for outcome in ("credited", "duplicate")}
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"callbacks: {len(bodies)} M-Pesa callbacks ({PAYMENTS} payments x {REPLAYS}, shuffled) at "
          f"{len(bodies) / seconds:.0f}/s over {CLIENTS} clients, gunicorn {WORKERS} workers")
    print(f"  latency p50 {quantiles[49] * 1000:.0f} ms, p99 {quantiles[98] * 1000:.0f} ms; statuses {statuses}")
    print(f"  credited {credited} payments for {PAYMENTS} (paid orders {paid}); callbacks credited "
          f"{outcomes['credited']}, duplicates {outcomes['duplicate']}: "
          f"{'each payment once' if credited == paid == PAYMENTS else 'MISMATCH'}")


def _queue_drop() -> None:
    import redis

    redis.Redis.from_url(os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")).delete(QUEUE)


if __name__ == "__main__":
    main()
