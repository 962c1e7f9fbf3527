"""Reconciliation of lost callbacks, in sandbox mode (M-Pesa: the STK query answered offline).

Figures printed:
  cost      1,000 pending M-Pesa payments, each of its own order: the job's runs (wall time,
            SQL queries, rows written) when every payer is still to answer (all asked, nothing
            written), right after (every payment waiting out its backoff: none asked) and when
            every callback was lost after payment (all credited). The orders are written
            directly, as placement leaves them (units reserved, the prompt sent).
  latency   M-Pesa orders whose callbacks are lost a few seconds after their prompts, with the
            default schedule (the job every 30 s, a payment first asked about 60 s after its
            prompt) run in-process as `make run` runs it: seconds from the lost callback to the
            order PAID. It is the schedule, not the work: the credit comes at the first run of
            the job after prompt + 60 s, that is 60-90 s after the prompt (the job's phase is
            set here to 15 s, the average); the job itself takes milliseconds per payment.
            It waits on the clock, so it runs beside the cost part, in a process and database of
            its own.
The cache is Redis, as in production (`BENCH_CACHE_URL`, default db 9 of the local server); the
keys made are deleted at the end. What payments cause (messages) is queued to a throw-away
queue, as workers would deliver it apart from the job. Run with `make bench` or
`python -m benchmarks.reconcile` (same environment as `make test`).
"""
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta

from benchmarks.support import ROOT, bench_database_url, django_setup

PAYMENTS = int(os.environ.get("BENCH_RECONCILE_PAYMENTS", 1000))
LOST_AFTER = (5, 30, 55)  # seconds after their prompts at which the latency orders' callbacks are lost
PHASE = 15  # seconds from the prompts to the job's first run (in production: anywhere in [0, 30))
LATENCY_LIMIT = 150  # seconds
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/9")
QUEUE = f"mookh-bench-reconcile-{uuid.uuid4().hex[:8]}"
ENV = {"CACHE_URL": CACHE_URL, "PAYMENTS_MODE": "sandbox", "LOG_LEVEL": "ERROR",
       "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
       "SMS_BACKEND": "notifications.sms.locmem.SmsBackend"}


def _ticket(quantity: int):
    from django.utils import timezone

    from stores.models import Event, EventCategory, Store, StoreType, Ticket
    from users.models import User

    owner = User.objects.create_user(f"bench-owner-{uuid.uuid4()}@example.com", "x", is_verified=True)
    store = Store.objects.create(store_name="Bench", store_type=StoreType.objects.get_or_create(name="events")[0],
                                 owner=owner)
    event = Event.objects.create(store=store, event_category=EventCategory.objects.create(category_name="Bench"),
                                 event_name="Reconciliation", event_description="bench", is_published=True,
                                 start_date=timezone.now() + timedelta(days=7))
    return Ticket.objects.create(event=event, ticket_name="General", prices={"KES": "1000.00"}, ticket_value=1000,
                                 quantity=quantity, is_published=True)


def _pending(ticket, n: int):
    """An M-Pesa order placed through the engine, its prompt sent (sandbox): its attempt."""
    from orders.services import LineInput, OrderRequest, Person, order_place
    from payments.models import PaymentAttempt
    from payments.services import payment_push

    order = order_place(OrderRequest(
        customer=Person(name=f"Fan {n}", email=f"fan{n}@example.com", phone_number=f"+2547{n:08d}"),
        lines=(LineInput(item_id=ticket.pk, type_name="store.ticket", item_quantity=1),),
        currency="KES", payment_method="MOBILE")).order
    return payment_push(attempt_id=PaymentAttempt.objects.get(order=order).pk)


def _pending_bulk(ticket, count: int) -> list:
    """`count` orders as placement leaves them (one unit reserved each) with an M-Pesa prompt sent
    (a pending attempt naming its CheckoutRequestID), written in a few statements."""
    from django.conf import settings
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from orders.models import Order, OrderLine
    from orders.services.placement import ORDER_NUMBER_ALPHABET
    from payments.models import PaymentAttempt
    from stores.models import Ticket

    now, tag = timezone.now(), uuid.uuid4().hex[:6].upper()
    with transaction.atomic():
        orders = Order.objects.bulk_create([Order(
            order_number="".join(ORDER_NUMBER_ALPHABET[(n >> (5 * i)) % 32] for i in range(6)),
            currency="KES", payment_method="MOBILE", exact_payment_method="MPESA", customer_name=f"Fan {n}",
            customer_email=f"fan{n}@example.com", customer_email_identity=f"fan{n}@example.com",
            customer_phone=f"+2547{n:08d}", order_amount=ticket.ticket_value,
            expires_at=now + settings.ORDER_PAYMENT_WINDOW) for n in range(count)])
        OrderLine.objects.bulk_create([OrderLine(
            order=order, type_name="store.ticket", ticket=ticket, store=ticket.event.store, name=ticket.ticket_name,
            item_quantity=1, unit_price=ticket.ticket_value, selling_price=ticket.ticket_value) for order in orders])
        Ticket.objects.filter(pk=ticket.pk).update(reserved=F("reserved") + count)
        return PaymentAttempt.objects.bulk_create([PaymentAttempt(
            order=order, provider="mpesa", method="MPESA", amount=order.order_amount, currency="KES",
            phone=order.customer_phone, status="PENDING", provider_reference=f"ws_CO_{tag}{n:09d}")
            for n, order in enumerate(orders)])


def _lose(attempt) -> None:
    """The payer pays; M-Pesa records it, and the callback never comes."""
    from payments.services import sandbox_complete

    outcome = sandbox_complete(order_number=attempt.order.order_number, result="success", deliver_callback=False)
    assert outcome.callback_outcome == "lost"


def _latency() -> None:
    from django.conf import settings

    from mookh.celery import app as celery_app
    from mookh.inprocess_beat import InProcessBeat
    from orders.models import Order

    celery_app.conf.task_always_eager = True  # the job's tasks run here, as under `make run`
    ticket = _ticket(len(LOST_AFTER))
    attempts = [_pending(ticket, 90_000 + n) for n in range(len(LOST_AFTER))]
    prompted = time.monotonic()
    entry = "payments-reconcile-due"
    beat, lost_at, paid_at = None, {}, {}
    while len(paid_at) < len(attempts) and time.monotonic() - prompted < LATENCY_LIMIT:
        elapsed = time.monotonic() - prompted
        if beat is None and elapsed >= PHASE:
            beat = InProcessBeat({entry: settings.CELERY_BEAT_SCHEDULE[entry]})
        for attempt, after in zip(attempts, LOST_AFTER):
            if attempt.pk not in lost_at and elapsed >= after:
                _lose(attempt)
                lost_at[attempt.pk] = elapsed
        if beat is not None:
            beat.tick()
        for attempt in attempts:
            if attempt.pk not in paid_at and Order.objects.get(pk=attempt.order_id).status == "PAID":
                paid_at[attempt.pk] = time.monotonic() - prompted
        time.sleep(0.05)
    every = settings.CELERY_BEAT_SCHEDULE[entry]["schedule"]
    after = settings.PAYMENTS_RECONCILE_AFTER.total_seconds()
    print(f"latency: default schedule (the job every {every:.0f} s, first question {after:.0f} s after the "
          f"prompt), job's first run {PHASE} s after the prompts", flush=True)
    for attempt in attempts:
        lost, paid = lost_at.get(attempt.pk), paid_at.get(attempt.pk)
        if paid is None:
            print(f"  callback lost at +{lost:4.1f} s: NOT credited within {LATENCY_LIMIT} s")
            continue
        print(f"  callback lost at +{lost:4.1f} s: order PAID at +{paid:5.1f} s after the prompt, "
              f"{paid - lost:5.1f} s after the lost callback")
    print(f"  expected: the first run after prompt + {after:.0f} s, i.e. {after:.0f}-{after + every:.0f} s after "
          f"the prompt ({after + every / 2:.0f} s on average); a callback lost after that first question waits "
          f"for the next one, {after:.0f} s later (then 120 s, 240 s…: the backoff)", flush=True)


class _Run:
    """Wall time, SQL statements and rows-writing statements of what runs inside (counted as they
    execute: Django's query log keeps only the last 9,000)."""

    def __enter__(self):
        from django.db import connection

        self.count = self.writes = 0

        def counted(execute, sql, params, many, context):
            self.count += 1
            self.writes += sql.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
            return execute(sql, params, many, context)

        self.wrapper = connection.execute_wrapper(counted)
        self.wrapper.__enter__()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.wrapper.__exit__(*exc)


def _job(now) -> int:
    """One run of the job as beat and the workers run it (`payments_reconcile_due_task`, then one
    `payment_reconcile_task` each), at the moment `now`; returns how many payments it asked about."""
    from payments.services import payment_attempts_reconcile_due, payment_reconcile

    picked = payment_attempts_reconcile_due(now=now)
    for attempt_id in picked:
        payment_reconcile(attempt_id=attempt_id, now=now)
    return len(picked)


def _runs(label: str, now, *, stop_when_none: bool = True) -> dict:
    from payments import http

    def stk_queries() -> int:
        return sum(1 for request in http.sandbox_requests if request["url"].endswith("/stkpushquery/v1/query"))

    queries_before = stk_queries()
    runs, asked = 0, 0
    with _Run() as run:
        while True:
            picked = _job(now)
            runs, asked = runs + 1, asked + picked
            if not picked or not stop_when_none:
                break
    provider = stk_queries() - queries_before
    print(f"  {label:<40} {run.seconds:6.2f} s, {runs} runs, {asked:>5} asked, {provider:>5} STK queries, "
          f"{run.count:>6} SQL statements, {run.writes:>5} of them writes", flush=True)
    return {"seconds": run.seconds, "asked": asked, "queries": run.count, "writes": run.writes}


def _cost() -> None:
    from django.db.models import F
    from django.utils import timezone

    from mookh.celery import app as celery_app
    from orders.models import Order
    from payments import http
    from payments.models import Payment, PaymentAttempt
    from payments.providers import mpesa

    celery_app.conf.task_always_eager = False  # what payments cause (messages) waits in a throw-away queue
    celery_app.conf.task_default_queue = QUEUE
    ticket = _ticket(PAYMENTS)
    attempts = _pending_bulk(ticket, PAYMENTS)
    print(f"cost: {PAYMENTS} pending M-Pesa payments of as many orders, sandbox mode, Redis cache", flush=True)
    PaymentAttempt.objects.filter(pk__in=[a.pk for a in attempts]).update(created=F("created") - timedelta(minutes=2))
    http.sandbox_requests.clear()
    now = timezone.now()
    still_pending = _runs("every payer still to answer:", now)
    in_backoff = _runs("right after (all waiting out their backoff):", now + timedelta(seconds=1),
                       stop_when_none=False)
    for attempt in attempts:  # every payer pays; every callback is lost
        mpesa.sandbox_callback(attempt.provider_reference, amount=attempt.amount, phone=attempt.phone)
    credited = _runs("all paid, every callback lost:", now + timedelta(minutes=5))
    paid = Order.objects.filter(pk__in=[a.order_id for a in attempts], status="PAID").count()
    payments = Payment.objects.filter(order_id__in=[a.order_id for a in attempts]).count()
    per = 1000 / PAYMENTS
    print(f"  per 1,000 pending payments: nothing new {still_pending['seconds'] * per:.1f} s, "
          f"{still_pending['queries'] * per:.0f} SQL, {still_pending['writes']} writes; waiting out their backoff "
          f"{in_backoff['seconds'] * per:.2f} s, {in_backoff['queries'] * per:.0f} SQL; all credited "
          f"{credited['seconds'] * per:.1f} s, {credited['queries'] * per:.0f} SQL "
          f"({credited['queries'] / max(credited['asked'], 1):.0f} per credit, mostly the order turning PAID)")
    print(f"  credited {payments} payments, {paid} orders PAID of {PAYMENTS}: "
          f"{'each once' if payments == paid == PAYMENTS else 'MISMATCH'}", flush=True)


def _cleanup(made_before: set) -> None:
    import redis

    client = redis.Redis.from_url(CACHE_URL)
    made = set(client.scan_iter()) - made_before
    if made:
        client.delete(*made)
    redis.Redis.from_url(os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")).delete(QUEUE)


def latency_main() -> None:
    """The latency part alone (run by `main` in a process of its own)."""
    os.environ.update(ENV)
    django_setup(bench_database_url("mookh_bench_reconcile_latency"))
    _latency()


def main() -> None:
    import redis

    os.environ.update(ENV)
    made_before = set(redis.Redis.from_url(CACHE_URL).scan_iter())
    latency = subprocess.Popen([sys.executable, "-c", "import benchmarks.reconcile as m; m.latency_main()"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        django_setup(bench_database_url("mookh_bench_reconcile"))
        _cost()
        output, _ = latency.communicate(timeout=LATENCY_LIMIT + 30)
        print(output, end="", flush=True)
    finally:
        if latency.poll() is None:
            latency.kill()
        _cleanup(made_before)
