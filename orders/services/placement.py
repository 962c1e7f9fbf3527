"""`order_place`: the one place an order is made, whatever the entry point; `order_quote`: its
pricing step alone."""
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from mookh.core import metrics
from orders.models import IdempotencyKey, Order, OrderChannel, OrderLine
from orders.services.inputs import ExternalLineInput, OrderRequest
from orders.services.items import LoadedLine
from orders.services.messages import order_created_messages
from orders.services.payments import payment_settles_at_once, payment_start
from orders.services.pricing import PricedOrder, order_price
from orders.services.promotions import order_promo_uses_reserve
from orders.services.reminders import reminder_next_at
from stores.inventory import tickets_reserve
from stores.models import Ticket
from users.selectors import user_or_none

logger = logging.getLogger(__name__)

ORDER_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O/1/I


class _OrderNumberTaken(Exception):
    """The drawn order number exists already (about one draw in a billion per stored order)."""


class IdempotencyKeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first; this one must create nothing."""


@dataclass(frozen=True)
class PlacedOrder:
    """A new order, its lines as written (items loaded) and the requests for money made with it
    (the payments app's attempts): enough to answer the buyer without reading the order again."""

    order: Order
    lines: list[OrderLine]
    payments: list | None  # None: not known here (an order paid at once), read them


@dataclass(frozen=True)
class IdempotencyClaim:
    """The caller-scoped Idempotency-Key to record with the order, and the request's fingerprint."""

    key: str
    request_hash: str


def order_place(request: OrderRequest, *, placed_by=None, idempotency: IdempotencyClaim | None = None
                ) -> PlacedOrder:
    """Validate, price, reserve and write an order with its lines and messages, all or nothing.

    A taken order number fails the whole transaction instead of costing a savepoint on every
    order; the placement is then simply run again. Inside a caller's transaction the placement's
    own atomic block is a savepoint, so running it again there is just as safe.
    """
    for _ in range(4):
        try:
            return _order_place(request, placed_by=placed_by, idempotency=idempotency)
        except _OrderNumberTaken:
            continue
    raise RuntimeError("could not draw a free order number")


def order_quote(request: OrderRequest, *, placed_by=None) -> PricedOrder:
    """What `order_place` would charge, or the error it would raise; nothing is written."""
    return order_price(request, placed_by=placed_by, now=timezone.now())


@transaction.atomic
def _order_place(request: OrderRequest, *, placed_by, idempotency: IdempotencyClaim | None) -> PlacedOrder:
    now = timezone.now()
    priced = order_price(request, placed_by=placed_by, now=now, lock_buyer=True)
    order = _order_create(request, priced, placed_by=placed_by, now=now)
    if idempotency:
        # Early, so that a concurrent duplicate waits here and then leaves before reserving anything.
        _idempotency_record(claim=idempotency, order=order)
    catalogue_lines = [_order_line(order, line) for line in priced.lines]
    external_lines = [_external_line(order, line, store_id=request.store_id, position=len(catalogue_lines) + index)
                      for index, line in enumerate(request.external_lines)]
    order_lines = OrderLine.objects.bulk_create(catalogue_lines + external_lines)
    order_created_messages(order, lines=order_lines)
    # Stock and promo uses are reserved last: a flash sale's orders queue on their ticket's row lock,
    # held from its UPDATE to the commit, so nothing else is written while it is held. Asking for the
    # money (a payment attempt) comes before; only money taken at once needs the units reserved.
    settled_at_once = payment_settles_at_once(order)
    payments = None if settled_at_once else payment_start(order=order, started_by=placed_by)
    order_promo_uses_reserve(order=order, lines=priced.lines, order_lines=order_lines[:len(catalogue_lines)],
                             email=priced.buyer.email, phone=priced.buyer.phone)
    _tickets_reserve(priced.lines)
    if settled_at_once:
        payments = payment_start(order=order, started_by=placed_by)
    logger.info("placed order %s (%s, %s %s, %d lines)", order.order_number, order.payment_method,
                order.order_amount, order.currency, len(order_lines))
    metrics.order_placed(channel=order.order_channel, payment_method=order.payment_method)
    return PlacedOrder(order=order, lines=order_lines, payments=payments)


def _order_create(request: OrderRequest, priced: PricedOrder, *, placed_by, now) -> Order:
    customer, payer, agent = request.customer, request.payer, priced.agent
    order = Order(
        currency=request.currency, payment_method=request.payment_method,
        exact_payment_method=priced.exact_payment_method,
        order_channel=request.channel or (OrderChannel.POS if agent else OrderChannel.WEB),
        placed_by=user_or_none(placed_by), agent=agent, customer_name=customer.name,
        customer_email=customer.email, customer_email_identity=priced.buyer.email,
        customer_phone=customer.phone_number, payer_name=payer.name if payer else None,
        payer_email=payer.email if payer else None, payer_phone=payer.phone_number if payer else None,
        order_amount=priced.amount, payment_installments=request.payment_installments,
        is_pay_later=request.is_pay_later, is_gate_purchase=request.is_gate_purchase and agent is not None,
        is_promo_order=priced.has_promo,
        registration_data=[{"item_id": str(line.item.pk), "data_entries": line.data_entries}
                           for line in priced.lines if line.data_entries],
        expires_at=now + priced.payment_window, card=request.labels.card, order_udf=request.labels.order_udf,
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
        ticket_names=line.ticket_names, data_entries=line.data_entries, source_id=line.source_id,
        client_data=line.client_data,
    )


def _external_line(order: Order, line: ExternalLineInput, *, store_id, position: int) -> OrderLine:
    return OrderLine(
        order=order, type_name=OrderLine.EXTERNAL, store_id=store_id, name=line.name, position=position,
        item_quantity=line.quantity, unit_price=line.unit_price, selling_price=line.amount,
        source_id=line.source_id, client_data=line.client_data,
    )


def _tickets_reserve(loaded) -> None:
    quantities: dict = {}
    for line in loaded:
        if isinstance(line.item, Ticket):
            quantities[line.item.pk] = quantities.get(line.item.pk, 0) + line.quantity
    if quantities:
        tickets_reserve(quantities=quantities)


def _idempotency_record(*, claim: IdempotencyClaim, order: Order) -> None:
    IdempotencyKey.objects.filter(key=claim.key, created__lt=timezone.now() - timedelta(hours=24)).delete()
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(key=claim.key, request_hash=claim.request_hash, order=order)
    except IntegrityError:
        raise IdempotencyKeyTaken() from None
