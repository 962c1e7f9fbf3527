"""Create (an upsert) and update of API orders. Every Mookh order behind them is made by
`order_place`, and every status change goes through the order engine (statuses.py)."""
import logging
import zlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from mookh.core.errors import InvalidInput
from orders.models import Order, OrderChannel, PaymentMethod
from orders.services import OrderRequest, order_cancel, order_lock, order_place
from orders.voucherify.customers import api_customer_by_id, api_customer_resolve, buyer_contact_fields, buyer_of
from orders.voucherify.errors import ApiOrderItemsLocked, ApiResourceNotFound, SourceIdTaken
from orders.voucherify.inputs import ItemInput, OrderInput
from orders.voucherify.formats import major, minor
from orders.voucherify.lines import OrderLines, items_signature, order_lines_build
from orders.voucherify.models import ApiOrder
from orders.voucherify.statuses import CREATED, OPEN_STATUSES, api_order_status_set

logger = logging.getLogger(__name__)

# They name the import and export routes (/v1/orders/import), so no order may be called that.
RESERVED_SOURCE_IDS = ("import", "export")
_LOCK_NAMESPACE = zlib.crc32(b"api_order_source_id") - 2**31  # PostgreSQL's int4 range


class _CreatedMeanwhile(Exception):
    """A concurrent create of the same source_id committed first (where no advisory lock serializes)."""


@dataclass(frozen=True)
class Money:
    """An order's amounts in minor units. `amount` None: the catalogue price, known once placed."""

    amount: int | None
    discount: int

    @property
    def declared(self) -> Decimal | None:
        """What the engine charges for an order without catalogue lines (None: it prices them)."""
        return None if self.amount is None else major(self.amount - self.discount)


def api_order_create(*, store, data: OrderInput) -> ApiOrder:
    """Upsert: the order `data.id` (else `data.source_id`) names is changed, keeping its id and
    created_at; otherwise a new order is placed. Concurrent creates of one source_id make one order."""
    _source_id_check(data.source_id)
    for _ in range(2):
        try:
            return _order_upsert(store=store, data=data)
        except _CreatedMeanwhile:
            continue
    raise SourceIdTaken(source_id=data.source_id)


@transaction.atomic
def api_order_update(*, store, key: str, data: OrderInput) -> ApiOrder:
    """Change the order with id (else source_id) `key`: only the fields `data` gives."""
    _source_id_check(data.source_id)
    api_order = (ApiOrder.objects.select_for_update().filter(store=store, pk=key).first()
                 or ApiOrder.objects.select_for_update().filter(store=store, source_id=key).first())
    if api_order is None:
        raise ApiResourceNotFound("order", key)
    return _order_change(api_order, data)


@transaction.atomic
def _order_upsert(*, store, data: OrderInput) -> ApiOrder:
    if data.source_id:
        _source_id_lock(store.pk, data.source_id)
    api_order = None
    if data.id:
        api_order = ApiOrder.objects.select_for_update().filter(store=store, pk=data.id).first()
        if api_order is None:
            raise ApiResourceNotFound("order", data.id)  # ids are ours: an unknown one is a mistake
    elif data.source_id:
        api_order = ApiOrder.objects.select_for_update().filter(store=store, source_id=data.source_id).first()
    if api_order is not None:
        return _order_change(api_order, data)
    return _order_new(store, data)


def _order_new(store, data: OrderInput) -> ApiOrder:
    customer = api_customer_resolve(store=store, data=data.customer) if data.customer else None
    lines = order_lines_build(store=store, items=data.items or ())
    money = _money(data, lines, current=None)
    order = _placed(store, lines, customer, money)
    now = timezone.now()
    try:
        with transaction.atomic():
            api_order = ApiOrder.objects.create(
                store=store, order=order, source_id=data.source_id, customer=customer,
                referrer=_referrer(store, data), metadata=data.metadata or {},
                amount=minor(order.order_amount) + money.discount,
                initial_amount=data.initial_amount, discount_amount=money.discount,
                created_at=data.created_at or now, updated_at=now)
    except IntegrityError:
        raise _CreatedMeanwhile() from None
    api_order_status_set(api_order=api_order, wanted=data.status or CREATED)
    # Made now, whatever the status took: updated_at starts equal to created_at (unless the client
    # dates the order) and not before the Mookh order's own last change.
    api_order.updated_at = timezone.now()
    api_order.created_at = data.created_at or api_order.updated_at
    api_order.save(update_fields=["created_at", "updated_at"])
    logger.info("API order %s (order %s) created for store %s", api_order.pk, order.order_number, store.pk)
    return api_order


def _order_change(api_order: ApiOrder, data: OrderInput) -> ApiOrder:
    """`api_order` is locked. Fields `data` gives replace the stored ones; items and metadata whole."""
    store = api_order.store
    order = order_lock(api_order.order_id)
    api_order.order = order
    if data.customer is not None:
        api_order.customer = api_customer_resolve(store=store, data=data.customer)
    if data.referrer is not None or data.referrer_id is not None:
        api_order.referrer = _referrer(store, data)
    current_items = tuple(ItemInput(**line.client_data) for line in order.lines.all())
    items = data.items if data.items is not None else current_items
    lines = order_lines_build(store=store, items=items)
    money = _money(data, lines, current=api_order)
    if _order_differs(order, money, new_items=data.items, current_items=current_items):
        order = _order_replace(api_order, lines, money)
    elif data.customer is not None:
        buyer = buyer_of(api_order.customer, with_contact=bool(lines.catalogue))
        Order.objects.filter(pk=order.pk).update(**buyer_contact_fields(buyer), updated=timezone.now())
    if money.amount is not None:
        _catalogue_amount_check(order, money)
    api_order.amount = minor(order.order_amount) + money.discount
    api_order.discount_amount = money.discount
    for name in ("source_id", "metadata", "initial_amount"):
        if getattr(data, name) is not None:
            setattr(api_order, name, getattr(data, name))
    api_order.updated_at = timezone.now()
    try:
        with transaction.atomic():
            api_order.save()
    except IntegrityError:
        raise SourceIdTaken(source_id=data.source_id) from None
    if data.status:
        api_order_status_set(api_order=api_order, wanted=data.status)
    return api_order


def _order_differs(order: Order, money: Money, *, new_items, current_items) -> bool:
    """Whether the Mookh order must be placed again: other items, or another total to charge."""
    if new_items is not None and items_signature(item.given() for item in new_items) != items_signature(
            item.given() for item in current_items):
        return True
    return money.declared is not None and money.declared != order.order_amount


def _order_replace(api_order: ApiOrder, lines: OrderLines, money: Money) -> Order:
    """Place the order again with its new items or amount, and cancel the old one (its stock is
    released first, so the new order may take the same units). Only before any payment."""
    old = api_order.order
    if old.status not in OPEN_STATUSES or old.amount_paid > 0:
        raise ApiOrderItemsLocked(status=old.status)
    # The buyer moves to the new order: the closed one tells nobody that it was closed.
    Order.objects.filter(pk=old.pk).update(customer_email="", customer_phone="")
    order_cancel(order_id=old.pk)
    api_order.order = _placed(api_order.store, lines, api_order.customer, money)
    logger.info("API order %s placed again as %s (was %s)", api_order.pk, api_order.order.order_number,
                old.order_number)
    return api_order.order


def _placed(store, lines: OrderLines, customer, money: Money) -> Order:
    request = OrderRequest(
        customer=buyer_of(customer, with_contact=bool(lines.catalogue)), lines=lines.catalogue,
        external_lines=lines.external, currency=store.default_currency,
        # No gateway is asked for API orders (payment_start): the client reports payment itself.
        payment_method=PaymentMethod.CARD, channel=OrderChannel.API, store_id=store.pk,
        declared_amount=None if lines.catalogue else money.declared,
    )
    order = order_place(request, placed_by=store.owner).order
    if money.amount is not None:
        _catalogue_amount_check(order, money)
    return order


def _money(data: OrderInput, lines: OrderLines, *, current: ApiOrder | None) -> Money:
    """Orders of the store's own items come to their catalogue price (no order-level discount);
    other orders to the amount the client gives, else the sum of their items."""
    discount = data.discount_amount if data.discount_amount is not None else (current.discount_amount if current else 0)
    if lines.catalogue:
        if discount:
            raise InvalidInput({"discount_amount": "Orders of the store's own items are priced by the store; "
                                                   "they take no order-level discount."})
        return Money(amount=data.amount, discount=0)
    if data.amount is not None:
        amount = data.amount
    elif data.items is not None or current is None:
        amount = lines.external_amount
    else:
        amount = current.amount
    if discount > amount:
        raise InvalidInput({"discount_amount": "At most the order's amount."})
    return Money(amount=amount, discount=discount)


def _catalogue_amount_check(order: Order, money: Money) -> None:
    charged = minor(order.order_amount) + money.discount
    if money.amount != charged:
        raise InvalidInput({"amount": f"The order's items come to {charged}; leave amount out or send that."})


def _referrer(store, data: OrderInput):
    if data.referrer is not None:
        return api_customer_resolve(store=store, data=data.referrer)
    if data.referrer_id is not None:
        return api_customer_by_id(store=store, customer_id=data.referrer_id)
    return None


def _source_id_check(source_id: str | None) -> None:
    if source_id is not None and source_id.strip().lower() in RESERVED_SOURCE_IDS:
        raise InvalidInput({"source_id": f"'{source_id}' names a route; choose another source_id."})


def _source_id_lock(store_id, source_id: str) -> None:
    """Serialize creates of one source_id in one store until commit (PostgreSQL; elsewhere the
    unique index alone decides, and the loser retries as an update)."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(f"{store_id}:{source_id}".encode()) - 2**31
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, key])
