"""M-Pesa paybill confirmations under replay: Daraja's C2B Confirmation posted at a steady rate to
gunicorn, each payment several times (shuffled, concurrently); most name an order, some an
account number that names none (kept as unmatched money).

Prints the rate achieved, latency percentiles, and what was credited or kept: every payment once.
"""
import json
import os
import random
import statistics
import uuid

from benchmarks.support import (
    Gunicorn, bench_database_url, bench_ticket, django_setup, orders_place, paced_posts, queue_drop,
)

PAYMENTS = int(os.environ.get("BENCH_PAYBILL_PAYMENTS", 200))
UNMATCHED = int(os.environ.get("BENCH_PAYBILL_UNMATCHED", 40))
REPLAYS = int(os.environ.get("BENCH_PAYBILL_REPLAYS", 5))
RATE = float(os.environ.get("BENCH_PAYBILL_RATE", 50))  # confirmations per second
CLIENTS = 16
WORKERS = int(os.environ.get("BENCH_WORKERS", 3))
QUEUE = f"mookh-bench-paybill-{uuid.uuid4().hex[:8]}"


def _orders(count: int) -> list:
    """Pay-later orders placed through the engine (no prompt is sent): (order number, amount)."""
    ticket = bench_ticket(event_name="Paybill", quantity=count, allow_pay_later=True)
    return [(order.order_number, order.order_amount) for order in orders_place(ticket, count, is_pay_later=True)]


def _confirmation(account: str, amount, n: int) -> bytes:
    """Daraja's Confirmation body (payments.md §1.9), the account number typed in lower case."""
    return json.dumps({
        "TransactionType": "Pay Bill", "TransID": f"BNCH{n:06d}", "TransTime": "20261203063845",
        "TransAmount": f"{amount:.0f}", "BusinessShortCode": "600638", "BillRefNumber": account.lower(),
        "InvoiceNumber": "", "OrgAccountBalance": "", "ThirdPartyTransID": "", "MSISDN": "25470****149",
        "FirstName": "John", "MiddleName": "", "LastName": "Doe"}).encode()


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
        latencies, statuses, seconds = paced_posts(url, bodies, rate=RATE, clients=CLIENTS)
    queue_drop(QUEUE)

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


if __name__ == "__main__":
    main()
