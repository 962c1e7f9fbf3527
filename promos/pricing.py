"""What a promo code takes off a cart line, or why it does not apply. Pure: no database access.

Callers load the rules (`promos.selectors.promo_rules_for`), the customer's prior uses
(`promos.selectors.promo_customer_uses`) and build the line; this module only decides.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

CENT = Decimal("0.01")
PERCENT = "PERCENT"
FIXED = "FIXED"
X_USES_PER_PERSON = "X_USES_PER_PERSON"

REASON_DETAILS = {
    "unknown": "This promo code does not exist for this store.",
    "inactive": "This promo code is not active.",
    "not_started": "This promo code is not valid yet.",
    "expired": "This promo code has expired.",
    "not_applicable": "This promo code does not apply to this item.",
    "below_minimum": "The amount is below this promo code's minimum.",
    "exhausted": "This promo code has no uses left for this quantity.",
    "per_person_limit": "This customer has reached this promo code's limit.",
}


@dataclass(frozen=True)
class CartLine:
    """One line of a cart. For a ticket, item_id == ticket_id and event/category come from its
    event; for an album, event_id is None and category_id is the album's content category."""

    item_id: UUID | str
    type_name: str
    store_id: UUID | str
    event_id: UUID | str | None
    category_id: UUID | str | None
    ticket_id: UUID | str | None
    unit_price: Decimal
    quantity: int
    currency: str

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PromoRules:
    """Everything the decision needs about one code and its promotion."""

    promo_code_id: UUID | str
    code: str
    store_id: UUID | str
    currency: str
    time_zone: str
    event_id: UUID | str | None
    discount_type: str
    percent_discount: Decimal | None
    fixed_discount: Decimal | None
    minimum_amount: Decimal
    usage_type: str
    max_uses: int | None
    max_uses_per_user: int | None
    uses: int
    starts_at: datetime | None
    ends_at: datetime | None
    expiry_date: date | None
    is_active: bool
    applicable_all: bool
    products: frozenset[str]
    categories: frozenset[str]
    product_prices: frozenset[str]


@dataclass(frozen=True)
class PromoQuote:
    """`discount` is the whole line's discount; `unit_discount` what each unit gets."""

    discount: Decimal | None
    reason: str | None
    unit_discount: Decimal | None = None

    @property
    def applies(self) -> bool:
        return self.reason is None

    @property
    def detail(self) -> str | None:
        return REASON_DETAILS.get(self.reason) if self.reason else None


def _refused(reason: str) -> PromoQuote:
    return PromoQuote(discount=None, reason=reason)


def _same(a, b) -> bool:
    return a is not None and b is not None and str(a) == str(b)


def _window_reason(rules: PromoRules, now: datetime) -> str | None:
    if rules.starts_at is not None and now < rules.starts_at:
        return "not_started"
    if rules.ends_at is not None and now > rules.ends_at:
        return "expired"
    if rules.expiry_date is not None and now.astimezone(ZoneInfo(rules.time_zone)).date() > rules.expiry_date:
        return "expired"
    return None


def _applies_to(rules: PromoRules, line: CartLine) -> bool:
    if not _same(rules.store_id, line.store_id):
        return False
    if rules.event_id is not None and not _same(rules.event_id, line.event_id):
        return False
    # Amounts are in the store's currency: a fixed discount or a minimum means nothing in another.
    if line.currency != rules.currency and (rules.discount_type == FIXED or rules.minimum_amount > 0):
        return False
    if rules.applicable_all:
        return True
    product_ids = {str(line.item_id), str(line.event_id)} if line.event_id else {str(line.item_id)}
    return bool(
        product_ids & rules.products
        or (line.category_id is not None and str(line.category_id) in rules.categories)
        or (line.ticket_id is not None and str(line.ticket_id) in rules.product_prices)
    )


def unit_discount(rules: PromoRules, unit_price: Decimal) -> Decimal:
    """Per-unit discount, rounded to cents half-up, never more than the unit price."""
    if rules.discount_type == PERCENT:
        raw = unit_price * (rules.percent_discount or Decimal(0)) / 100
    else:
        raw = rules.fixed_discount or Decimal(0)
    return min(raw.quantize(CENT, rounding=ROUND_HALF_UP), unit_price)


def promo_discount(*, rules: PromoRules | None, line: CartLine, customer_uses: int, now: datetime) -> PromoQuote:
    """The discount `rules` give `line`, or the first reason they do not (see REASON_DETAILS).

    One use is one unit: a line of 3 needs 3 uses left, in total and for this customer.
    """
    if rules is None:
        return _refused("unknown")
    if not rules.is_active:
        return _refused("inactive")
    window = _window_reason(rules, now)
    if window:
        return _refused(window)
    if not _applies_to(rules, line):
        return _refused("not_applicable")
    if line.amount < rules.minimum_amount:
        return _refused("below_minimum")
    if rules.max_uses is not None and rules.uses + line.quantity > rules.max_uses:
        return _refused("exhausted")
    if (rules.usage_type == X_USES_PER_PERSON and rules.max_uses_per_user is not None
            and customer_uses + line.quantity > rules.max_uses_per_user):
        return _refused("per_person_limit")
    per_unit = unit_discount(rules, line.unit_price)
    return PromoQuote(discount=per_unit * line.quantity, reason=None, unit_discount=per_unit)
