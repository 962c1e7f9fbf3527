"""Plain inputs of the order engine: every entry point builds an `OrderRequest` and calls
`order_place` (or `order_quote`) with it. What only one entry point cares about stays there."""
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone_number: str


@dataclass(frozen=True)
class LineInput:
    item_id: UUID
    type_name: str
    item_quantity: int
    ticket_names: list[str] = field(default_factory=list)
    promotional_code: str | None = None
    data_entries: dict = field(default_factory=dict)
    # An API client's name for the line and what else it sent about it (OrderLine.source_id, client_data).
    source_id: str = ""
    client_data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ExternalLineInput:
    """A line an API client sold elsewhere (its own product): recorded at its price, no stock held.

    `amount` is what the line comes to (the client may state it instead of price × quantity)."""

    name: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    source_id: str = ""
    client_data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OrderLabels:
    """Free text an entry point keeps on the order for its own clients (v1's `card`, `order_udf`)."""

    card: str = ""
    order_udf: str = ""


@dataclass(frozen=True)
class OrderRequest:
    """What a buyer (or an agent for them) asks for; the engine checks, prices and writes it."""

    customer: Person
    lines: tuple[LineInput, ...]
    currency: str
    payment_method: str
    payer: Person | None = None
    exact_payment_method: str | None = None
    agent_id: UUID | None = None
    is_pay_later: bool = False
    payment_installments: int = 1
    is_gate_purchase: bool = False
    # The entry point (WEB, POS, API, ADMIN); None: POS when an agent sells, WEB otherwise.
    channel: str | None = None
    labels: OrderLabels = OrderLabels()
    # API orders: lines sold elsewhere, the store they are recorded for (the API key's), and the
    # total the client declares for an order without catalogue lines (None: the sum of its lines).
    external_lines: tuple[ExternalLineInput, ...] = ()
    store_id: UUID | None = None
    declared_amount: Decimal | None = None

    @property
    def pays_later(self) -> bool:
        return self.is_pay_later or self.payment_installments > 1
