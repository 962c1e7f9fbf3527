"""Voucherify's order statuses on Mookh's status machine (orders.services.status).

    CREATED   ↔ PENDING, PARTIALLY_PAID   (placed; catalogue lines hold their stock)
    PAID      ↔ PAID                      (money recorded, tickets issued)
    FULFILLED ↔ PAID + fulfilled_at       (Mookh has no such status; terminal)
    CANCELED  ↔ CANCELLED, EXPIRED, REFUNDED

A client moves an order forward only: CREATED → PAID → FULFILLED, or CREATED → CANCELED.
"""
from decimal import Decimal

from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone

from orders.models import Order, OrderStatus
from orders.services import order_cancel, order_mark_paid, payment_record
from orders.voucherify.errors import ApiOrderStatusRefused
from orders.voucherify.models import ApiOrder

CREATED, PAID, CANCELED, FULFILLED = "CREATED", "PAID", "CANCELED", "FULFILLED"
STATUSES = (CREATED, PAID, CANCELED, FULFILLED)
OPEN_STATUSES = (OrderStatus.PENDING, OrderStatus.PARTIALLY_PAID)
PAYMENT_PROVIDER = "api"


def api_status(order_status: str, fulfilled_at) -> str:
    if order_status in OPEN_STATUSES:
        return CREATED
    if order_status == OrderStatus.PAID:
        return FULFILLED if fulfilled_at else PAID
    return CANCELED


def api_status_expression(prefix: str = "order__") -> Case:
    """The same mapping in SQL, to filter and sort ApiOrder rows by it."""
    return Case(
        When(Q(**{f"{prefix}status__in": OPEN_STATUSES}), then=Value(CREATED)),
        When(Q(**{f"{prefix}status": OrderStatus.PAID, "fulfilled_at__isnull": False}), then=Value(FULFILLED)),
        When(Q(**{f"{prefix}status": OrderStatus.PAID}), then=Value(PAID)),
        default=Value(CANCELED), output_field=CharField(),
    )


def api_status_filter(statuses) -> Q:
    """Rows whose client-facing status is one of `statuses`."""
    q = Q(pk__in=[])
    for status in statuses:
        if status == CREATED:
            q |= Q(order__status__in=OPEN_STATUSES)
        elif status == PAID:
            q |= Q(order__status=OrderStatus.PAID, fulfilled_at__isnull=True)
        elif status == FULFILLED:
            q |= Q(order__status=OrderStatus.PAID, fulfilled_at__isnull=False)
        elif status == CANCELED:
            q |= ~Q(order__status__in=(*OPEN_STATUSES, OrderStatus.PAID))
    return q


def api_order_status_set(*, api_order: ApiOrder, wanted: str) -> None:
    """Move the (locked) order to `wanted`; the same status again changes nothing."""
    order = api_order.order
    current = api_status(order.status, api_order.fulfilled_at)
    if wanted == current:
        return
    if wanted == CANCELED:
        # A paid order is refunded, not cancelled: the engine refuses (409 illegal_transition).
        order_cancel(order_id=order.pk)
    elif wanted in (PAID, FULFILLED) and current in (CREATED, PAID):
        if current == CREATED:
            order_paid_record(order=order, api_order_id=api_order.pk)
        if wanted == FULFILLED:
            api_order.fulfilled_at = timezone.now()
            api_order.save(update_fields=["fulfilled_at"])
    else:
        raise ApiOrderStatusRefused(f"An order that is {current} cannot become {wanted}.",
                                    status_from=current, status_to=wanted)
    order.refresh_from_db()


def order_paid_record(*, order: Order, api_order_id: str) -> None:
    """The client took the money: record the balance as one payment (stock sold, tickets issued,
    as for any payment). The reference is the Mookh order's, so that it credits once."""
    if order.order_balance <= 0:
        order_mark_paid(order_id=order.pk)
        return
    payment_record(order_id=order.pk, amount=Decimal(order.order_balance), currency=order.currency,
                   provider=PAYMENT_PROVIDER, reference=f"api-{order.pk}", received_by=None,
                   raw={"api_order_id": api_order_id})
