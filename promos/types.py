"""Values passed between the order engine and the promotions engine."""
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID


@dataclass(frozen=True)
class RedemptionRequest:
    """One order line's use of a code: `units` uses (one per unit) by this customer."""

    promo_code_id: UUID
    order_line_id: UUID
    units: int
    email: str
    phone: str
    discount_amount: Decimal
