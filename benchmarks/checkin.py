"""Gate check-in: signed QR codes scanned through POST /stores/check_in/ by 16 concurrent gates.

Tickets are issued by the real path (orders placed and paid), each gate scans distinct QR
tokens (Ed25519 verification, one conditional UPDATE per admission) through gunicorn and
PostgreSQL. Prints admissions per second, latency percentiles, and checks that the database
holds exactly one check-in per 200. Driven by wrk (Lua script) when installed, by threads
with http.client otherwise. Run with `make bench` or `python -m benchmarks.checkin`.
"""
import base64
import http.client
import json
import os
import shutil
import threading
import time
from datetime import timedelta
from decimal import Decimal

from benchmarks.support import Gunicorn, bench_database_url, django_setup, wrk_run

GATES = int(os.environ.get("BENCH_GATES", 16))
DURATION = int(os.environ.get("BENCH_SECONDS", 10))
WORKERS = int(os.environ.get("BENCH_WORKERS", 4))
TICKETS = int(os.environ.get("BENCH_CHECKIN_TICKETS", 20000))
UNITS_PER_ORDER = 2000

WRK_SCRIPT = r"""
local codes = {%(codes)s}
local thread_count = %(threads)d

function init(args)
  counter = 0
  counts = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer %(jwt)s"
end

function request()
  -- Threads take interleaved codes: every scan is a distinct ticket until the list runs out.
  local index = (counter * thread_count + thread_id) %% #codes + 1
  counter = counter + 1
  return wrk.format(nil, "/stores/check_in/", nil, '{"code":"' .. codes[index] .. '","gate":"bench"}')
end
"""


def _environment() -> None:
    """One signing key for this process (which draws the QR codes) and gunicorn (which checks them)."""
    os.environ["TICKET_SIGNING_KEY"] = base64.b64encode(os.urandom(32)).decode()
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-0123456789abcdef")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["SMS_BACKEND"] = "notifications.sms.locmem.SmsBackend"


def _tickets_issued(count: int):
    """An event with `count` tickets, issued the real way: orders placed, then paid. Returns the agent."""
    from django.utils import timezone

    from orders.services import LineInput, OrderRequest, Person, order_place
    from payments.services import payment_apply
    from stores.models import Event, EventCategory, Store, StoreAgent, StoreType, Ticket
    from users.models import User

    owner = User.objects.create_user("bench-gate-owner@example.com", "x", is_verified=True)
    agent = User.objects.create_user("bench-gate-agent@example.com", "x", is_verified=True)
    store = Store.objects.create(store_name="Gate bench", owner=owner,
                                 store_type=StoreType.objects.get_or_create(name="events")[0])
    StoreAgent.objects.create(store=store, user=agent)
    event = Event.objects.create(store=store, event_category=EventCategory.objects.create(category_name="Bench"),
                                 event_name="Gate rush", event_description="bench", is_published=True,
                                 start_date=timezone.now() + timedelta(hours=1))
    ticket = Ticket.objects.create(event=event, ticket_name="General", prices={"KES": "500.00"}, ticket_value=500,
                                   quantity=count, is_published=True)
    for n in range(0, count, UNITS_PER_ORDER):
        units = min(UNITS_PER_ORDER, count - n)
        order = order_place(OrderRequest(
            customer=Person(name=f"Fan {n}", email=f"fan{n}@example.com", phone_number="+254720111222"),
            lines=(LineInput(item_id=ticket.pk, type_name="store.ticket", item_quantity=units),),
            currency="KES", payment_method="MOBILE")).order
        payment_apply(order_id=order.pk, amount=Decimal(order.order_amount), currency="KES", provider="bench",
                      reference=f"bench-{n}")
    return agent, event


def _codes(event) -> list[str]:
    from tickets.models import IssuedTicket
    from tickets.qr import issued_ticket_token

    tickets = IssuedTicket.objects.filter(event=event).order_by("pk")
    return [issued_ticket_token(ticket) for ticket in tickets]


def _run_wrk(url: str, codes: list[str], jwt: str) -> dict:
    threads = min(4, GATES)
    script = WRK_SCRIPT % {"codes": ",".join(f'"{code}"' for code in codes), "threads": threads, "jwt": jwt}
    return wrk_run(url, script, threads=threads, connections=GATES, seconds=DURATION)

def _run_threads(port: int, codes: list[str], jwt: str) -> dict:
    """The same load without wrk: GATES threads, one keep-alive connection each."""
    statuses: dict = {}
    latencies: list = []
    lock = threading.Lock()
    deadline = time.monotonic() + DURATION

    def gate(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {jwt}"}
        n = index
        try:
            while time.monotonic() < deadline:
                started = time.monotonic()
                connection.request("POST", "/stores/check_in/", json.dumps({"code": codes[n % len(codes)]}), headers)
                response = connection.getresponse()
                response.read()
                with lock:
                    statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1
                    latencies.append(time.monotonic() - started)
                n += GATES
        finally:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=gate, args=(index,)) for index in range(GATES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1000 if latencies else 0  # noqa: E731
    return {"duration_us": (time.monotonic() - started) * 1e6, "requests": len(latencies), "p50_ms": pick(0.5),
            "p95_ms": pick(0.95), "p99_ms": pick(0.99), "errors": 0, "statuses": statuses}


def main() -> None:
    _environment()
    database_url = bench_database_url("mookh_bench_checkin")
    django_setup(database_url)
    from rest_framework_simplejwt.tokens import RefreshToken

    from tickets.models import IssuedTicket

    started = time.monotonic()
    agent, event = _tickets_issued(TICKETS)
    codes = _codes(event)
    print(f"checkin: {len(codes)} tickets issued and their QR codes drawn in {time.monotonic() - started:.1f} s; "
          f"gunicorn {WORKERS} workers, {GATES} gates, {DURATION} s", flush=True)
    jwt = str(RefreshToken.for_user(agent).access_token)
    with Gunicorn(database_url=database_url, workers=WORKERS) as server:
        driver = "wrk" if shutil.which("wrk") else "threads"
        result = _run_wrk(server.url, codes, jwt) if driver == "wrk" else _run_threads(server.port, codes, jwt)
    seconds = result["duration_us"] / 1e6
    admitted, repeated = result["statuses"].get("200", 0), result["statuses"].get("409", 0)
    others = {k: v for k, v in result["statuses"].items() if k not in ("200", "409")}
    # Scans still in flight when the load stopped were answered to no one: at most one per gate.
    in_database = IssuedTicket.objects.filter(event=event, status="CHECKED_IN").count()
    consistent = admitted <= in_database <= admitted + GATES
    print(f"  /stores/check_in/ ({driver}): {result['requests'] / seconds:.0f} scans/s, {admitted / seconds:.0f} "
          f"admissions/s ({admitted} admitted, {repeated} already checked in, in {seconds:.1f} s), "
          f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, "
          f"other statuses {others or 'none'}, socket errors {result['errors']}, "
          f"check-ins in the database {in_database} ({'consistent' if consistent else 'INCONSISTENT'})")
    if not consistent or others:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
