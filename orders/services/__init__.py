"""The order engine's write services; import from here."""
from orders.services.idempotency import idempotency_response_store
from orders.services.inputs import LineInput, Person
from orders.services.lifecycle import order_cancel, order_expire, order_mark_paid, order_messages_resend, order_refund
from orders.services.payments import payment_apply, payment_start
from orders.services.placement import idempotent_order_get, order_place, order_quote, request_fingerprint

__all__ = [
    "LineInput", "Person", "order_place", "order_quote", "order_mark_paid", "order_messages_resend", "order_expire", "order_cancel", "order_refund",
    "payment_apply", "payment_start", "idempotent_order_get", "request_fingerprint", "idempotency_response_store",
]
