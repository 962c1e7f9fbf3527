"""Plain inputs of the Voucherify-compatible services, built by its API from validated requests.

None means "not given" (clients send null for fields they leave out). An import keeps its orders
as JSON until a worker runs it: `payload()` and `from_payload()` make that round trip.
"""
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime


@dataclass(frozen=True)
class CustomerInput:
    id: str | None = None
    source_id: str | None = None
    name: str | None = None
    description: str | None = None
    email: str | None = None
    phone: str | None = None
    birthdate: date | None = None
    address: dict | None = None
    metadata: dict | None = None

    @classmethod
    def from_payload(cls, data: dict | None) -> "CustomerInput | None":
        if data is None:
            return None
        birthdate = data.get("birthdate")
        return cls(**{**data, "birthdate": date.fromisoformat(birthdate) if birthdate else None})


@dataclass(frozen=True)
class ItemInput:
    """An order item: one of the store's tickets or albums (`product_id`/`sku_id`), or a product
    the client sold elsewhere (`source_id`, `price`, `amount`…)."""

    product_id: str | None = None
    sku_id: str | None = None
    related_object: str | None = None
    source_id: str | None = None
    quantity: int | None = None
    discount_quantity: int | None = None
    initial_quantity: int | None = None
    amount: int | None = None
    discount_amount: int | None = None
    initial_amount: int | None = None
    price: int | None = None
    product: dict | None = None
    sku: dict | None = None
    metadata: dict | None = None

    @property
    def catalogue_id(self) -> str | None:
        return self.sku_id or self.product_id

    def given(self) -> dict:
        """What the client sent, as it sent it (kept on the order line and echoed back)."""
        return {name: value for name, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class OrderInput:
    id: str | None = None
    source_id: str | None = None
    status: str | None = None
    amount: int | None = None
    initial_amount: int | None = None
    discount_amount: int | None = None
    items: tuple[ItemInput, ...] | None = None
    metadata: dict | None = None
    created_at: datetime | None = None
    customer: CustomerInput | None = None
    referrer: CustomerInput | None = None
    referrer_id: str | None = None

    def payload(self) -> dict:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat() if self.created_at else None
        for role in ("customer", "referrer"):
            person = data[role]
            if person and person["birthdate"]:
                person["birthdate"] = person["birthdate"].isoformat()
        return data

    @classmethod
    def from_payload(cls, data: dict) -> "OrderInput":
        known = {field.name for field in fields(cls)}
        data = {name: value for name, value in data.items() if name in known}
        items = data.get("items")
        created_at = data.get("created_at")
        return cls(**{
            **data,
            "items": tuple(ItemInput(**item) for item in items) if items is not None else None,
            "created_at": datetime.fromisoformat(created_at) if created_at else None,
            "customer": CustomerInput.from_payload(data.get("customer")),
            "referrer": CustomerInput.from_payload(data.get("referrer")),
        })
