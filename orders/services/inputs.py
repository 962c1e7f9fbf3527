"""Plain inputs of the order engine: every entry point builds these and calls `order_place`."""
from dataclasses import dataclass, field
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
