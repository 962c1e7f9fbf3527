"""Prices per currency: {"KES": "1000.00", "USD": "8.00"}, always priced in the store's currency."""
from decimal import Decimal

from mookh.core.currency import amount_format
from mookh.core.errors import InvalidInput


def prices_resolve(*, currency: str, prices: dict | None, current: dict | None = None,
                   default_amount: Decimal | None = None, default_field: str = "prices") -> dict:
    """The stored price map after a write.

    `prices` replaces the whole map when given; `default_amount` (a ticket's `ticket_value`) is the
    price in the store's `currency` and must agree with `prices[currency]` when both are sent.
    A map without a price in the store's currency is refused; with nothing priced yet the item is free.
    """
    result = dict(current or {}) if prices is None else dict(prices)
    if default_amount is not None:
        sent = (prices or {}).get(currency)
        if sent is not None and Decimal(sent) != Decimal(default_amount):
            raise InvalidInput({default_field: f"This is the {currency} price and differs from prices.{currency}."},
                               code="price_mismatch")
        result[currency] = default_amount
    if prices is not None and currency not in result:
        raise InvalidInput({"prices": f"Include a price in the store's currency ({currency})."},
                           code="store_currency_unpriced")
    result.setdefault(currency, Decimal("0"))
    return {code: amount_format(amount) for code, amount in sorted(result.items())}
