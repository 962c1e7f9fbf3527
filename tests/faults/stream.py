"""A stream of orders against a server, and what the database holds afterwards."""
import itertools
import threading
import time
import uuid
from dataclasses import dataclass

import httpx
import psycopg2


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: the connection broke before an answer
    buyer: str  # the email the order was placed for
    at: float  # time.monotonic() when it came
    retry_after: str | None = None
    order_number: str | None = None


class OrderStream:
    """`clients` threads placing one-ticket pay-later orders (each buyer new) until the block ends."""

    def __init__(self, url: str, ticket_id: str, *, clients: int = 4):
        self.url, self.ticket_id, self.clients = url, ticket_id, clients
        self.answers: list[Answer] = []
        self._numbers = itertools.count(1)
        self._run = uuid.uuid4().hex[:8]
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client, daemon=True) for _ in range(clients)]

    def _body(self, email: str, n: int) -> dict:
        return {"currency": "KES", "payment_method": "MOBILE", "response_type": "json", "is_pay_later": True,
                "customer": {"name": "Fan", "email": email, "phone_number": f"+2547{n % 100_000_000:08d}"},
                "order_detail": [{"item_id": self.ticket_id, "type_name": "store.ticket", "item_quantity": 1}]}

    def _client(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self._stop.is_set():
                n = next(self._numbers)
                email = f"fan{n}-{self._run}@example.com"
                try:
                    response = client.post("/stores/orders/", json=self._body(email, n))
                except httpx.TransportError:  # the server's worker died with the request: no answer
                    self.answers.append(Answer(None, email, time.monotonic()))
                    continue
                number = response.json().get("order_number") if response.status_code == 201 else None
                self.answers.append(Answer(response.status_code, email, time.monotonic(),
                                           response.headers.get("Retry-After"), number))

    def count(self, status: int | None) -> int:
        return sum(1 for answer in self.answers if answer.status == status)

    def statuses(self) -> dict:
        counts: dict = {}
        for answer in self.answers:
            counts[answer.status] = counts.get(answer.status, 0) + 1
        return counts

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def orders_found(database_url: str, order_numbers: list[str]) -> set[str]:
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT order_number FROM orders_order WHERE order_number = ANY(%s)", [order_numbers])
        return {row[0] for row in cursor.fetchall()}


def orders_incomplete(database_url: str) -> list[str]:
    """Orders missing their lines or their messages, and tickets whose counters do not match the
    orders holding them: anything a placement left half-written."""
    problems = []
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("""SELECT o.order_number FROM orders_order o
                          WHERE NOT EXISTS (SELECT 1 FROM orders_orderline l WHERE l.order_id = o.id)
                             OR NOT EXISTS (SELECT 1 FROM notifications_outboxmessage m WHERE m.order_id = o.id)""")
        problems += [f"order {number} has no lines or no messages" for (number,) in cursor.fetchall()]
        cursor.execute("""SELECT t.id, t.sold + t.reserved, COALESCE(SUM(l.item_quantity), 0) FROM stores_ticket t
                          LEFT JOIN (orders_orderline l JOIN orders_order o
                                     ON o.id = l.order_id AND o.status IN ('PENDING', 'PAID')) ON l.ticket_id = t.id
                          GROUP BY t.id HAVING t.sold + t.reserved <> COALESCE(SUM(l.item_quantity), 0)""")
        problems += [f"ticket {ticket}: {taken} taken, orders hold {held}" for ticket, taken, held in cursor.fetchall()]
    return problems


def orders_of_buyers(database_url: str, emails: list[str]) -> set[str]:
    """The buyers among `emails` who have an order."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT customer_email FROM orders_order WHERE customer_email = ANY(%s)", [emails])
        return {row[0] for row in cursor.fetchall()}
