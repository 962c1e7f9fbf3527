"""The pricing step of an order: load, check and price its lines, and write nothing.

`order_place` runs it and then writes the order; `order_quote` runs it alone, so a quote can
never create an order, start a payment, reserve a seat or hand out a download link.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings

from mookh.core import metrics
from mookh.core.errors import InvalidInput
from mookh.core.identity import email_identity
from mookh.core.phone import phone_country
from orders.models import PaymentMethod
from orders.services.buyers import buyer_limits_check
from orders.services.inputs import OrderRequest, Person
from orders.services.items import LoadedLine, items_load, line_sale_problems
from orders.services.promotions import lines_discount
from stores.errors import TicketSoldOut
from stores.models import StoreAgent, Ticket
from stores.selectors import item_unit_price
from users.selectors import user_is_super_admin

MOBILE_METHODS = {"KE": ("MPESA", "AIRTEL"), "UG": ("MTNUG", "AIRTELUG")}  # first is the default
MOBILE_CURRENCIES = {"KE": "KES", "UG": "UGX"}  # a country's wallets hold its own currency only
POS_METHODS = (PaymentMethod.CASH, PaymentMethod.MOBILE_CASH)
MAX_ORDER_AMOUNT = Decimal("9999999999.99")  # what a line's and an order's amount columns hold
NOTHING_HELD_WINDOW = timedelta(days=365 * 100)


@dataclass(frozen=True)
class Buyer:
    """Who the order counts against for per-buyer limits: the mailbox and the E.164 phone."""

    email: str
    phone: str

    @classmethod
    def of(cls, person: Person) -> "Buyer":
        return cls(email=email_identity(person.email), phone=person.phone_number or "")


@dataclass(frozen=True)
class PricedOrder:
    currency: str
    lines: list[LoadedLine]
    amount: Decimal
    buyer: Buyer
    agent: object  # the POS agent (a User) or None
    exact_payment_method: str
    payment_window: timedelta

    @property
    def promo_amount(self) -> Decimal:
        return sum((line.promo_amount for line in self.lines), Decimal("0.00"))

    @property
    def has_promo(self) -> bool:
        return any(line.promo_code_id for line in self.lines)


def order_price(request: OrderRequest, *, placed_by, now, lock_buyer: bool = False) -> PricedOrder:
    """Every rule an order must pass, in the order a buyer would want to hear about them.

    `lock_buyer` (placement only) serializes the same buyer's concurrent orders for the
    per-buyer counts; a quote reads them without locking.
    """
    if not request.lines and not request.external_lines and request.declared_amount is None:
        raise InvalidInput({"order_detail": "An order needs at least one item."})
    _external_checked(request)
    loaded = _lines_checked(request.lines, currency=request.currency, now=now)
    agent = _agent_checked(request.payment_method, agent_id=request.agent_id, placed_by=placed_by, loaded=loaded)
    exact = _exact_payment_method(request.payment_method, request.exact_payment_method,
                                  request.payer or request.customer, currency=request.currency)
    _installments_checked(request.payment_installments)
    if request.pays_later:
        _pay_later_checked(loaded, is_pay_later=request.is_pay_later)
    buyer = Buyer.of(request.customer)
    promo_errors = lines_discount(loaded, currency=request.currency, email=buyer.email, phone=buyer.phone, now=now)
    if promo_errors:
        raise InvalidInput({"order_detail": promo_errors})
    buyer_limits_check(loaded, email=buyer.email, phone=buyer.phone, pay_later=request.pays_later, lock=lock_buyer)
    amount = sum((line.selling_price for line in loaded), Decimal("0.00"))
    amount += sum((line.amount for line in request.external_lines), Decimal("0.00"))
    if request.declared_amount is not None:
        amount = request.declared_amount
    if amount > MAX_ORDER_AMOUNT or any(line.unit_price * line.quantity > MAX_ORDER_AMOUNT for line in loaded):
        raise InvalidInput({"order_detail": f"The order comes to more than {MAX_ORDER_AMOUNT:,} {request.currency}."})
    return PricedOrder(currency=request.currency, lines=loaded, amount=amount, buyer=buyer, agent=agent,
                       exact_payment_method=exact, payment_window=_payment_window(loaded, pay_later=request.pays_later))


def _external_checked(request: OrderRequest) -> None:
    """External lines and a declared total come from API clients: recorded for the API key's store,
    never beside catalogue lines that the store prices itself."""
    if not (request.external_lines or request.declared_amount is not None):
        return
    if request.store_id is None:
        raise InvalidInput({"store_id": "Orders with external lines are recorded for a store."})
    if request.declared_amount is not None and request.lines:
        raise InvalidInput({"amount": "An order with catalogue items comes to their price; do not declare it."})
    for line in request.external_lines:
        if line.quantity < 1 or line.unit_price < 0 or line.amount < 0 or line.amount > MAX_ORDER_AMOUNT:
            raise InvalidInput({"order_detail": f"External line {line.name!r}: quantity 1 or more, amounts "
                                                f"from 0 to {MAX_ORDER_AMOUNT:,}."})
    if request.declared_amount is not None and not 0 <= request.declared_amount <= MAX_ORDER_AMOUNT:
        raise InvalidInput({"amount": f"From 0 to {MAX_ORDER_AMOUNT:,} {request.currency}."})


def _lines_checked(lines, *, currency: str, now) -> list[LoadedLine]:
    loaded, errors = items_load(lines)
    units_by_item = Counter()
    for line in loaded:
        units_by_item[line.item.pk] += line.quantity
    missing_currency = False
    for line in loaded:
        problems = line_sale_problems(line, now=now, units_in_order=units_by_item[line.item.pk])
        price = item_unit_price(line.item, currency)
        if price is None:
            missing_currency = True
            problems.setdefault("item_id", []).append(f"This item is not priced in {currency}.")
        else:
            line.unit_price = price
        errors[line.index].update(problems)
    if not any(errors):
        _units_left_check(loaded, units_by_item)
    if any(errors):
        # Keyed by line index, like DRF's own errors for a list of objects.
        fields = {"order_detail": {index: problems for index, problems in enumerate(errors) if problems}}
        if missing_currency:
            fields["currency"] = [f"Every item must be priced in {currency}."]
        raise InvalidInput(fields)
    return loaded


def _units_left_check(loaded, units_by_item) -> None:
    """Sold out as far as can be read now; placement's conditional UPDATE is what decides."""
    for line in loaded:
        if isinstance(line.item, Ticket) and units_by_item[line.item.pk] > line.item.tickets_available:
            metrics.sold_out_answered()
            raise TicketSoldOut(ticket_id=str(line.item.pk))


def _agent_checked(payment_method, *, agent_id, placed_by, loaded):
    """POS methods need the authenticated agent (or owner) of every item's store."""
    if payment_method not in POS_METHODS:
        return None
    if placed_by is None or not placed_by.is_authenticated:
        raise InvalidInput({"agent": f"{payment_method} orders are placed by a signed-in store agent."})
    if agent_id and str(agent_id) != str(placed_by.pk):
        raise InvalidInput({"agent": "The agent must be the signed-in user placing the order."})
    if user_is_super_admin(placed_by):
        return placed_by
    store_ids = {line.store.pk for line in loaded}
    owned = {line.store.pk for line in loaded if line.store.owner_id == placed_by.pk}
    agent_of = set(StoreAgent.objects.filter(user=placed_by, store_id__in=store_ids - owned)
                   .values_list("store_id", flat=True)) if store_ids - owned else set()
    if owned | agent_of != store_ids:
        raise InvalidInput({"agent": "You are not an agent of every store in this order."})
    return placed_by


def _exact_payment_method(payment_method: str, exact: str | None, payer: Person, *, currency: str) -> str:
    exact = (exact or "").strip().upper()
    # An API client's customer may have no phone number at all.
    country = phone_country(payer.phone_number) if payer.phone_number else None
    options = MOBILE_METHODS.get(country, ())
    if payment_method in (PaymentMethod.MOBILE, PaymentMethod.MOBILE_CASH) and options:
        if exact and exact not in options:
            raise InvalidInput({"exact_payment_method": f"For this phone number use one of: {', '.join(options)}."})
        if payment_method == PaymentMethod.MOBILE and currency != MOBILE_CURRENCIES[country]:
            wallet_currency = MOBILE_CURRENCIES[country]
            raise InvalidInput({"currency": f"Mobile money from this phone number pays in {wallet_currency}, "
                                            f"not {currency}: order in {wallet_currency} or pay by card."})
        return exact or options[0]
    if exact:
        raise InvalidInput({"exact_payment_method": f"Not available for {payment_method} with this phone number."})
    return ""


def _installments_checked(installments: int) -> None:
    if not 1 <= installments <= settings.ORDER_MAX_INSTALLMENTS:
        raise InvalidInput({"payment_installments":
                            f"Choose between 1 and {settings.ORDER_MAX_INSTALLMENTS} installments."})


def _pay_later_checked(loaded, *, is_pay_later: bool) -> None:
    """Pay-later and installment orders hold seats for 48 h: only on ticket types that allow it
    (albums hold no stock, so they may be paid later)."""
    if all(line.item.allow_pay_later for line in loaded if isinstance(line.item, Ticket)):
        return
    field = "is_pay_later" if is_pay_later else "payment_installments"
    raise InvalidInput({field: "Some tickets in this order must be paid at once."}, code="pay_later_not_allowed")


def _payment_window(loaded, *, pay_later: bool) -> timedelta:
    """Pay-later: 48 h. Otherwise the shortest window among the order's events (default 15 min).
    An order of external lines only holds nothing, so it never lapses."""
    if not loaded:
        return NOTHING_HELD_WINDOW
    if pay_later:
        return settings.ORDER_PAY_LATER_WINDOW
    minutes = [line.item.event.payment_window_minutes for line in loaded if isinstance(line.item, Ticket)]
    return timedelta(minutes=min(minutes)) if minutes else settings.ORDER_PAYMENT_WINDOW
