"""Refunds through the providers (sandbox mode): what one refund costs end to end in this process
(reservation under the order's lock, the M-Pesa reversal request, its Result applied, the order
REFUNDED with its tickets voided), the same under racing requests, and the sweep's query that
finds refunds whose task was lost.

Prints latency percentiles, refunds per second, and what came back: never more than was paid.
"""
import os
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

from benchmarks.support import bench_database_url, django_setup

ORDERS = int(os.environ.get("BENCH_REFUND_ORDERS", 200))
RACERS = int(os.environ.get("BENCH_REFUND_RACERS", 4))
STALE = int(os.environ.get("BENCH_REFUND_STALE", 1000))


def _paid_orders(count: int) -> list:
    """Orders placed through the engine and paid through the one crediting path (M-Pesa receipts)."""
    from django.utils import timezone

    from orders.services import LineInput, OrderRequest, Person, order_place
    from payments.services import payment_apply
    from stores.models import Event, EventCategory, Store, StoreType, Ticket
    from users.models import User

    owner = User.objects.create_user(f"bench-owner-{uuid.uuid4()}@example.com", "x", is_verified=True)
    store = Store.objects.create(store_name="Bench", store_type=StoreType.objects.get_or_create(name="events")[0],
                                 owner=owner)
    event = Event.objects.create(store=store, event_category=EventCategory.objects.create(category_name="Bench"),
                                 event_name="Refunds", event_description="bench", is_published=True,
                                 start_date=timezone.now() + timedelta(days=7))
    ticket = Ticket.objects.create(event=event, ticket_name="General", prices={"KES": "1000.00"}, ticket_value=1000,
                                   quantity=count * 2, is_published=True)
    orders = []
    for n in range(count):
        order = order_place(OrderRequest(
            customer=Person(name=f"Fan {n}", email=f"fan{n}@example.com", phone_number=f"+2547{n:08d}"),
            lines=(LineInput(item_id=ticket.pk, type_name="store.ticket", item_quantity=2),),
            currency="KES", payment_method="MOBILE")).order
        payment_apply(order_id=order.pk, amount=order.order_amount, currency="KES", provider="mpesa",
                      reference=f"BENCH{uuid.uuid4().hex[:10].upper()}")
        orders.append(order.pk)
    return orders, owner


def _timed(function) -> tuple[float, object]:
    begin = time.monotonic()
    try:
        answer = function()
    except Exception as exc:  # a refused racer: its answer is the error
        answer = exc
    return time.monotonic() - begin, answer


def _race(order_id, owner) -> list:
    """RACERS full refunds of one order at once, each on its own connection."""
    from django.db import connections

    from payments.services import order_refund_execute

    def refund(_):
        try:
            return _timed(lambda: order_refund_execute(order_id=order_id, requested_by=owner))[1]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        return list(pool.map(refund, range(RACERS)))


def main() -> None:
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # prompts, refunds and messages run in this process
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["SMS_BACKEND"] = "notifications.sms.locmem.SmsBackend"
    django_setup(bench_database_url("mookh_bench_refunds"))
    from django.db.models import Sum
    from django.utils import timezone

    from orders.models import Order
    from payments.models import Payment, Refund
    from payments.services import order_refund_execute
    from payments.services.refund_sending import refunds_due_ids

    orders, owner = _paid_orders(ORDERS + ORDERS // 4)
    sequential, raced = orders[:ORDERS], orders[ORDERS:]
    began = time.monotonic()
    latencies = [_timed(lambda pk=pk: order_refund_execute(order_id=pk, requested_by=owner))[0] for pk in sequential]
    seconds = time.monotonic() - began
    quantiles = statistics.quantiles(latencies, n=100)
    refunded = Order.objects.filter(pk__in=sequential, status="REFUNDED").count()
    print(f"refunds: {ORDERS} full M-Pesa refunds one after another, {ORDERS / seconds:.0f}/s; "
          f"p50 {quantiles[49] * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms; {refunded} orders REFUNDED")

    began = time.monotonic()
    answers = [answer for pk in raced for answer in _race(pk, owner)]
    seconds = time.monotonic() - began
    wins = sum(1 for answer in answers if answer == "done")
    paid = Payment.objects.filter(order_id__in=raced).aggregate(total=Sum("amount"))["total"]
    back = Refund.objects.filter(order_id__in=raced, status="DONE").aggregate(total=Sum("amount"))["total"]
    print(f"  racing: {len(raced)} orders x {RACERS} simultaneous full refunds in {seconds:.1f} s: {wins} won "
          f"(one per order: {'yes' if wins == len(raced) else 'NO'}), others refused; paid {paid}, back {back}: "
          f"{'never more than paid' if back == paid else 'MISMATCH'}")

    order = Order.objects.get(pk=orders[0])
    Refund.objects.bulk_create([Refund(order=order, amount=Decimal("1.00"), currency="KES", reason="bench",
                                       provider="mpesa") for _ in range(STALE)])
    Refund.objects.filter(reason="bench").update(updated=timezone.now() - timedelta(hours=1))
    began = time.monotonic()
    unsent, _ = refunds_due_ids(limit=STALE)
    print(f"  sweep: {len(unsent)} lost refunds found among {Refund.objects.count()} in "
          f"{(time.monotonic() - began) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
