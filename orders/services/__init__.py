"""The order engine's write services; import from here."""
from orders.services.expiry import order_expire_after_payment_check
from orders.services.idempotency import idempotency_response_store, order_place_idempotent
from orders.services.inputs import ExternalLineInput, LineInput, OrderLabels, OrderRequest, Person
from orders.services.lifecycle import (
    order_cancel, order_expire, order_lock, order_mark_paid, order_messages_resend, order_refund,
)
from orders.services.payments import order_payment_state, payment_record, payment_start
from orders.services.placement import PlacedOrder, order_place, order_quote
from orders.services.refunds import order_money_refund

__all__ = [
    "ExternalLineInput", "LineInput", "OrderLabels", "OrderRequest", "Person", "PlacedOrder",
    "order_place", "order_place_idempotent", "order_quote", "idempotency_response_store",
    "order_lock", "order_mark_paid", "order_messages_resend", "order_expire", "order_expire_after_payment_check",
    "order_cancel", "order_refund", "payment_start", "payment_record", "order_payment_state", "order_money_refund",
]
