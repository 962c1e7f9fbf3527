"""`order_place`: the one place an order is made, whatever the entry point."""
import logging
import secrets
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mookh.core.errors import InvalidInput
from mookh.core.phone import phone_country
from orders.models import IdempotencyKey, Order, OrderChannel, OrderLine, PaymentMethod
from orders.services.buyers import buyer_limits_check
from orders.services.inputs import LineInput, Person
from orders.services.items import LoadedLine, items_load, line_sale_problems
from orders.services.messages import order_created_messages
from orders.services.payments import payment_start
from orders.services.promotions import lines_discount, order_promo_uses_reserve
from orders.services.reminders import reminder_next_at
from stores.inventory import tickets_reserve
from stores.models import StoreAgent, Ticket
from stores.selectors import item_unit_price
from users.selectors import user_is_super_admin, user_or_none

logger = logging.getLogger(__name__)

ORDER_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O/1/I
MOBILE_METHODS = {"KE": ("MPESA", "AIRTEL"), "UG": ("MTNUG", "AIRTELUG")}  # first is the default
POS_METHODS = (PaymentMethod.CASH, PaymentMethod.MOBILE_CASH)
MAX_ORDER_AMOUNT = Decimal("9999999999.99")  # what a line's and an order's amount columns hold


class _OrderNumberTaken(Exception):
    """The drawn order number exists already (about one draw in a billion per stored order)."""


class IdempotencyKeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first; this one must create nothing."""


def order_place(**arguments) -> Order:
    """Validate, price, reserve and write an order with its lines and messages, all or nothing.

    A taken order number fails the whole transaction instead of costing a savepoint on every
    order; the placement is then simply run again (not possible inside a caller's transaction).
    """
    for _ in range(4):
        try:
            return _order_place(**arguments)
        except _OrderNumberTaken:
            if transaction.get_connection().in_atomic_block:
                raise RuntimeError("order number collision inside an outer transaction") from None
    raise RuntimeError("could not draw a free order number")


@transaction.atomic
def _order_place(*, customer: Person, lines: list[LineInput], currency: str, payment_method: str,
                 payer: Person | None = None, exact_payment_method: str | None = None, agent_id=None,
                 placed_by=None, is_pay_later: bool = False, payment_installments: int = 1,
                 is_gate_purchase: bool = False, order_channel: str | None = None,
                 idempotency_key: str | None = None, request_hash: str = "", only_store_id=None,
                 card: str = "", order_udf: str = "") -> Order:
    now = timezone.now()
    if not lines:
        raise InvalidInput({"order_detail": "An order needs at least one item."})
    loaded = _lines_checked(lines, currency=currency, now=now, only_store_id=only_store_id)
    agent = _agent_checked(payment_method, agent_id=agent_id, placed_by=placed_by, loaded=loaded)
    exact = _exact_payment_method(payment_method, exact_payment_method, payer or customer)
    _installments_checked(payment_installments)
    promo_errors = lines_discount(loaded, currency=currency, email=customer.email,
                                  phone=customer.phone_number, now=now)
    if promo_errors:
        raise InvalidInput({"order_detail": promo_errors})
    buyer_limits_check(loaded, email=customer.email, phone=customer.phone_number)
    amount = sum((line.selling_price for line in loaded), Decimal("0.00"))
    if amount > MAX_ORDER_AMOUNT or any(line.unit_price * line.quantity > MAX_ORDER_AMOUNT for line in loaded):
        raise InvalidInput({"order_detail": f"The order comes to more than {MAX_ORDER_AMOUNT:,} {currency}."})

    order = _order_create(
        customer=customer, payer=payer, currency=currency, payment_method=payment_method, exact=exact,
        agent=agent, placed_by=placed_by, is_pay_later=is_pay_later, installments=payment_installments,
        is_gate_purchase=is_gate_purchase and agent is not None, now=now,
        channel=order_channel or (OrderChannel.POS if agent else OrderChannel.WEB),
        amount=amount,
        has_promo=any(line.promo_code_id for line in loaded), card=card, order_udf=order_udf,
        registration=[{"item_id": str(line.item.pk), "data_entries": line.data_entries}
                      for line in loaded if line.data_entries],
    )
    if idempotency_key:
        # Early, so that a concurrent duplicate waits here and then leaves before reserving anything.
        _idempotency_record(key=idempotency_key, request_hash=request_hash, order=order)
    order_lines = OrderLine.objects.bulk_create([_order_line(order, line) for line in loaded])
    # The lines and their items are in memory already: callers render the order without re-reading it.
    order._prefetched_objects_cache = {"lines": OrderLine.objects.none()}
    order._prefetched_objects_cache["lines"]._result_cache = order_lines
    order_promo_uses_reserve(order=order, lines=loaded, order_lines=order_lines,
                             email=customer.email, phone=customer.phone_number)
    _tickets_reserve(loaded)
    order_created_messages(order)
    payment_start(order=order, started_by=placed_by)
    logger.info("placed order %s (%s, %s %s, %d lines)", order.order_number, order.payment_method,
                order.order_amount, order.currency, len(order_lines))
    return order


def _lines_checked(lines, *, currency: str, now, only_store_id=None) -> list[LoadedLine]:
    loaded, errors = items_load(lines)
    units_by_item = Counter()
    for line in loaded:
        units_by_item[line.item.pk] += line.quantity
    missing_currency = False
    for line in loaded:
        problems = line_sale_problems(line, now=now, units_in_order=units_by_item[line.item.pk])
        if only_store_id and str(line.store.pk) != str(only_store_id):
            problems.setdefault("item_id", []).append("This item is not sold by store_fk.")
        price = item_unit_price(line.item, currency)
        if price is None:
            missing_currency = True
            problems.setdefault("item_id", []).append(f"This item is not priced in {currency}.")
        else:
            line.unit_price = price
        errors[line.index].update(problems)
    if any(errors):
        # Keyed by line index, like DRF's own errors for a list of objects.
        fields = {"order_detail": {index: problems for index, problems in enumerate(errors) if problems}}
        if missing_currency:
            fields["currency"] = [f"Every item must be priced in {currency}."]
        raise InvalidInput(fields)
    return loaded


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


def _exact_payment_method(payment_method: str, exact: str | None, payer: Person) -> str:
    exact = (exact or "").strip().upper()
    options = MOBILE_METHODS.get(phone_country(payer.phone_number), ())
    if payment_method in (PaymentMethod.MOBILE, PaymentMethod.MOBILE_CASH) and options:
        if not exact:
            return options[0]
        if exact in options:
            return exact
        raise InvalidInput({"exact_payment_method": f"For this phone number use one of: {', '.join(options)}."})
    if exact:
        raise InvalidInput({"exact_payment_method": f"Not available for {payment_method} with this phone number."})
    return ""


def _installments_checked(installments: int) -> None:
    if not 1 <= installments <= settings.ORDER_MAX_INSTALLMENTS:
        raise InvalidInput({"payment_installments":
                            f"Choose between 1 and {settings.ORDER_MAX_INSTALLMENTS} installments."})


def _order_create(*, customer, payer, amount, installments, is_pay_later, now, **fields) -> Order:
    window = settings.ORDER_PAY_LATER_WINDOW if is_pay_later or installments > 1 else settings.ORDER_PAYMENT_WINDOW
    order = Order(
        currency=fields["currency"], payment_method=fields["payment_method"], exact_payment_method=fields["exact"],
        order_channel=fields["channel"], placed_by=user_or_none(fields["placed_by"]),
        agent=fields["agent"], customer_name=customer.name, customer_email=customer.email,
        customer_phone=customer.phone_number, payer_name=payer.name if payer else None,
        payer_email=payer.email if payer else None, payer_phone=payer.phone_number if payer else None,
        order_amount=amount, payment_installments=installments, is_pay_later=is_pay_later,
        is_gate_purchase=fields["is_gate_purchase"], is_promo_order=fields["has_promo"],
        registration_data=fields["registration"], expires_at=now + window, card=fields["card"],
        order_udf=fields["order_udf"],
    )
    order.next_reminder_at = reminder_next_at(order, start=now)
    order.order_number = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(6))
    try:
        order.save(force_insert=True)
    except IntegrityError as exc:
        if "order_number" in str(exc):
            raise _OrderNumberTaken() from exc
        raise
    return order


def _order_line(order: Order, line: LoadedLine) -> OrderLine:
    return OrderLine(
        order=order, type_name=line.type_name, store=line.store, name=line.name, position=line.index,
        ticket=line.item if line.event_id else None, album=None if line.event_id else line.item,
        item_quantity=line.quantity, unit_price=line.unit_price, promo_amount=line.promo_amount,
        promo_code=line.promotional_code if line.promo_code_id else None, selling_price=line.selling_price,
        ticket_names=line.ticket_names, data_entries=line.data_entries,
    )


def _tickets_reserve(loaded) -> None:
    quantities: dict = {}
    for line in loaded:
        if isinstance(line.item, Ticket):
            quantities[line.item.pk] = quantities.get(line.item.pk, 0) + line.quantity
    if quantities:
        tickets_reserve(quantities=quantities)


def _idempotency_record(*, key: str, request_hash: str, order: Order) -> None:
    IdempotencyKey.objects.filter(key=key, created__lt=timezone.now() - timedelta(hours=24)).delete()
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(key=key, request_hash=request_hash, order=order)
    except IntegrityError:
        raise IdempotencyKeyTaken() from None




class _DryRun(Exception):
    def __init__(self, quote):
        self.quote = quote


def order_quote(**arguments) -> dict:
    """Price and check an order exactly as `order_place` would, then roll everything back."""
    for _ in range(4):
        try:
            with transaction.atomic():
                order = _order_place(**arguments)
                lines = list(order.lines.select_related("store", "ticket__event", "album__category",
                                                        "album__media_type", "album__store"))
                raise _DryRun({"currency": order.currency, "order_amount": order.order_amount,
                               "promo_code_value": sum((line.promo_amount for line in lines), Decimal("0.00")),
                               "order_detail": lines})
        except _DryRun as dry_run:
            return dry_run.quote
        except _OrderNumberTaken:
            continue
    raise RuntimeError("could not draw a free order number")
