"""The soak's clients: buyers, payers, storefront readers, a provider replaying callbacks and a gate
agent, each kind in threads of its own at a steady, Poisson-paced rate against one server URL.

Every response is counted by route group and status with its latency (`Tally`); the database is
read (Django ORM) only to play the outside world: a callback's body as the provider sent it, a
paid ticket's QR code as the buyer's phone shows it.
"""
import heapq
import json
import random
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

CONNECTION_ERROR = "error"  # the status counted when no HTTP answer came (refused, reset, timeout)


class Tally:
    """Responses by route group: count per status, latencies, and the first unexpected answers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.unexpected: list[str] = []
        self.unexpected_count = 0

    def add(self, group: str, status, seconds: float, *, expected: tuple, body: bytes = b"", path: str = ""):
        with self.lock:
            self.statuses[group][status] += 1
            self.latencies[group].append(seconds)
            if status not in expected:
                self.unexpected_count += 1
            if status not in expected and len(self.unexpected) < 10:
                self.unexpected.append(f"{group} {path} -> {status}: {body[:300].decode(errors='replace')}")

    def count(self, predicate, *, group: str | None = None) -> int:
        with self.lock:
            return sum(n for name, counter in self.statuses.items() for status, n in counter.items()
                       if predicate(status) and group in (None, name))

    def lines(self) -> list[str]:
        rows = []
        with self.lock:
            for group in sorted(self.latencies):
                latencies = sorted(self.latencies[group])
                quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
                statuses = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses[group].items(), key=str))
                rows.append(f"  {group:<12} {len(latencies):>6} requests  p50 {quantiles[49] * 1000:6.0f} ms  "
                            f"p99 {quantiles[98] * 1000:6.0f} ms  [{statuses}]")
        return rows


@dataclass
class Client:
    """HTTP to the server under test, every answer tallied."""

    base_url: str
    tally: Tally
    timeout: float = 30

    def call(self, group: str, method: str, path: str, body: dict | bytes | None = None, *, expected=(200,),
             headers: dict | None = None) -> tuple[object, dict | None]:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except OSError as exc:  # refused, reset, timed out: no answer at all
            status, raw = CONNECTION_ERROR, str(exc).encode()
        self.tally.add(group, status, time.monotonic() - started, expected=expected, body=raw, path=path)
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None


def paced(rate: float, stop: threading.Event, action, *, seed: int) -> None:
    """Call `action(rng)` at `rate` per second on average (exponential gaps, as independent users
    arrive) until `stop`; a slow answer delays this client only, never piles requests up."""
    rng = random.Random(seed)
    due = time.monotonic()
    while not stop.is_set():
        due += rng.expovariate(rate)
        if stop.wait(max(0.0, due - time.monotonic())):
            return
        action(rng)
        due = max(due, time.monotonic() - 5)  # after a stall, do not burst to catch up


@dataclass
class Catalog:
    """What the clients buy and read: ticket type ids, event ids, the gate agent's id."""

    regular_ticket: str
    pay_later_ticket: str
    ticket_ids: list[str]
    event_ids: list[str]
    agent_id: int
    mpesa_callback_path: str


@dataclass(order=True)
class _Due:
    at: float
    seq: int
    kind: str = field(compare=False)
    payload: dict = field(compare=False)


class Traffic:
    """The mixed load. `rates` (per second): reads, orders, replays, check-ins; payments follow orders."""

    def __init__(self, client: Client, catalog: Catalog, rates: dict[str, float]):
        self.client, self.catalog, self.rates = client, catalog, rates
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self._due: list[_Due] = []
        self._due_lock = threading.Condition()
        self._seq = 0
        self.admitted: set[str] = set()  # issued ticket ids this gate admitted (200)
        self._scanned: set[str] = set()
        self._agent_token: tuple[float, str] | None = None
        self.crashed: list[str] = []  # clients that died of their own error (which ends the soak early)

    # --- running -----------------------------------------------------------------------------
    def start(self) -> None:
        plan = [("reads", self._read, 3), ("orders", self._order, 2), ("replays", self._replay, 1),
                ("checkins", self._check_in, 1)]
        for name, action, threads in plan:
            for n in range(threads):
                thread = threading.Thread(target=self._guarded, args=(paced, self.rates[name] / threads, self.stop,
                                                                      action), kwargs={"seed": len(self.threads)},
                                          name=f"soak-{name}-{n}", daemon=True)
                self.threads.append(thread)
        self.threads += [threading.Thread(target=self._guarded, args=(self._payer,), name=f"soak-payer-{n}",
                                          daemon=True) for n in range(2)]
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        """Stop every client; payments already due within a few seconds are still made."""
        self.stop.set()
        with self._due_lock:
            self._due_lock.notify_all()
        for thread in self.threads:
            thread.join(timeout=60)

    def _guarded(self, target, *args, **kwargs) -> None:
        # A client's own bug must not pass for a quiet server: stop the soak loudly.
        try:
            target(*args, **kwargs)
        except Exception as exc:
            self.crashed.append(f"{threading.current_thread().name}: {exc!r}")
            self.stop.set()
            raise
        finally:
            from django.db import connection

            connection.close()

    def _later(self, delay: float, kind: str, **payload) -> None:
        with self._due_lock:
            self._seq += 1
            heapq.heappush(self._due, _Due(time.monotonic() + delay, self._seq, kind, payload))
            self._due_lock.notify()

    def _payer(self) -> None:
        """Buyers answering their phone's prompt (sandbox), then looking at their order."""
        while True:
            with self._due_lock:
                while True:
                    wait = self._due[0].at - time.monotonic() if self._due else None
                    if self.stop.is_set() and (wait is None or wait > 5):
                        return
                    if wait is not None and wait <= 0:
                        item = heapq.heappop(self._due)
                        break
                    self._due_lock.wait(timeout=1 if wait is None else min(wait, 1))
            if item.kind == "pay":
                self._pay(**item.payload)
            else:
                self.client.call("orders", "GET", f"/stores/orders/{item.payload['order_id']}/")

    # --- the clients ---------------------------------------------------------------------------
    def _read(self, rng: random.Random) -> None:
        catalog, roll = self.catalog, rng.random()
        if roll < 0.3:
            path = f"/stores/event/public/?page_size={rng.choice((10, 20))}"
        elif roll < 0.4:
            path = f"/stores/event/public/?search={rng.choice(['Nairobi', 'Run', 'Kampala', 'Soak'])}"
        elif roll < 0.6:
            path = f"/stores/event/{rng.choice(catalog.event_ids)}/"
        elif roll < 0.8:
            path = f"/stores/tickets/?event={rng.choice(catalog.event_ids)}"
        else:
            path = f"/stores/tickets/{rng.choice(catalog.ticket_ids)}/"
        self.client.call("storefront", "GET", path)

    def _order(self, rng: random.Random) -> None:
        """75 % pay at once, 10 % walk away (the order expires), 15 % pay later (most of them do pay)."""
        roll, buyer = rng.random(), str(uuid.UUID(int=rng.getrandbits(128)))
        pay_later = roll >= 0.85
        ticket = self.catalog.pay_later_ticket if pay_later else self.catalog.regular_ticket
        body = {"currency": "KES", "payment_method": "MOBILE", "response_type": "json", "is_pay_later": pay_later,
                "customer": {"name": f"Soak Buyer {buyer[:8]}", "email": f"buyer-{buyer}@example.com",
                             "phone_number": f"+2547{rng.randint(10**7, 10**8 - 1)}"},
                "order_detail": [{"item_id": ticket, "type_name": "store.ticket",
                                  "item_quantity": rng.choice((1, 1, 1, 2, 2, 3))}]}
        status, order = self.client.call("orders", "POST", "/stores/orders/", body, expected=(201,),
                                         headers={"Idempotency-Key": buyer})
        if status != 201:
            return
        number, order_id = order["order_number"], order["id"]
        if pay_later:
            if rng.random() < 0.7:
                self._later(rng.uniform(10, 60), "pay", number=number, order_id=order_id, results=["success"])
        elif roll < 0.75:
            # Most pay at the first prompt; some decline or fail first and pay at the second.
            results = ["success"] if rng.random() < 0.85 else [rng.choice(["failed", "cancelled"]), "success"]
            self._later(rng.uniform(2, 6), "pay", number=number, order_id=order_id, results=results)

    def _pay(self, *, number: str, order_id: str, results: list[str]) -> None:
        result, rest = results[0], results[1:]
        status, _ = self.client.call("payments", "POST", "/payments/sandbox/complete/",
                                     {"order_number": number, "result": result})
        if status == 200 and rest:
            self._later(random.uniform(3, 8), "pay", number=number, order_id=order_id, results=rest)
        elif status == 200:
            self._later(random.uniform(1, 3), "poll", order_id=order_id)

    def _replay(self, rng: random.Random) -> None:
        """The provider delivering a callback again, byte for byte (Daraja retries when unsure)."""
        from payments.models import ProviderCallback

        credited = ProviderCallback.objects.filter(provider="mpesa", outcome="credited")
        count = credited.count()
        if not count:
            return
        body = credited.order_by("pk").values_list("body", flat=True)[rng.randrange(count)]
        self.client.call("callbacks", "POST", self.catalog.mpesa_callback_path, body.encode())

    def _check_in(self, rng: random.Random) -> None:
        """The gate agent scans a paid ticket; now and then one already admitted (409)."""
        from tickets.models import IssuedTicket
        from tickets.qr import issued_ticket_token

        if self.admitted and rng.random() < 0.1:
            ticket, expected = IssuedTicket.objects.get(pk=rng.choice(sorted(self.admitted))), (409,)
        else:
            ticket = (IssuedTicket.objects.filter(status="VALID").exclude(pk__in=self._scanned)
                      .order_by("?").first())
            expected = (200,)
            if ticket is None:
                return
            self._scanned.add(ticket.pk)
        status, _ = self.client.call("checkin", "POST", "/stores/check_in/",
                                     {"code": issued_ticket_token(ticket), "gate": "soak"}, expected=expected,
                                     headers={"Authorization": f"Bearer {self._token()}"})
        if status == 200:
            self.admitted.add(ticket.pk)

    def _token(self) -> str:
        from rest_framework_simplejwt.tokens import AccessToken

        from users.models import User

        if self._agent_token is None or time.monotonic() - self._agent_token[0] > 300:
            token = str(AccessToken.for_user(User.objects.get(pk=self.catalog.agent_id)))
            self._agent_token = (time.monotonic(), token)
        return self._agent_token[1]
