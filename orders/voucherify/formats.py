"""How API clients write money and time: integer minor units; UTC with milliseconds and a Z."""
from datetime import datetime, timezone
from decimal import Decimal

CENTS = Decimal(100)


def minor(amount: Decimal) -> int:
    """15.00 → 1500."""
    return int((amount * CENTS).to_integral_value())


def major(amount_minor: int) -> Decimal:
    """1500 → Decimal("15.00")."""
    return (Decimal(amount_minor) / CENTS).quantize(Decimal("0.01"))


def api_datetime(value: datetime | None) -> str | None:
    """2024-05-01T10:00:00.123Z"""
    if value is None:
        return None
    value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
