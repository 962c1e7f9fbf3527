"""Provider callbacks under replay: M-Pesa STK callbacks posted at a steady rate to gunicorn, each
payment's callback delivered several times (interleaved, concurrently), as Daraja may.

Prints the rate achieved, latency percentiles and what was credited: every payment exactly once.
"""
import json
import os
import random
import statistics
import uuid

from benchmarks.support import (
    Gunicorn, bench_database_url, bench_ticket, django_setup, orders_place, paced_posts, queue_drop,
)

PAYMENTS = int(os.environ.get("BENCH_CALLBACK_PAYMENTS", 200))
REPLAYS = int(os.environ.get("BENCH_CALLBACK_REPLAYS", 5))
RATE = float(os.environ.get("BENCH_CALLBACK_RATE", 50))  # callbacks per second
CLIENTS = 16
WORKERS = int(os.environ.get("BENCH_WORKERS", 3))
QUEUE = f"mookh-bench-callbacks-{uuid.uuid4().hex[:8]}"


def _pending_attempts(count: int) -> list:
    """Orders placed through the engine, each with an M-Pesa prompt sent (sandbox): (reference, amount)."""
    from payments.models import PaymentAttempt
    from payments.services import payment_push

    attempts = []
    for order in orders_place(bench_ticket(event_name="Callbacks", quantity=count), count):
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
        latencies, statuses, seconds = paced_posts(url, bodies, rate=RATE, clients=CLIENTS)
    queue_drop(QUEUE)

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


if __name__ == "__main__":
    main()
