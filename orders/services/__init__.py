"""The order engine's write services; import from here."""
from orders.services.idempotency import idempotency_response_store, order_place_idempotent
from orders.services.inputs import LineInput, Person
from orders.services.lifecycle import order_cancel, order_expire, order_mark_paid, order_messages_resend, order_refund
from orders.services.payments import cash_reference, payment_apply, payment_cash_record, payment_start
from orders.services.placement import order_place, order_quote

__all__ = [
    "LineInput", "Person", "order_place", "order_place_idempotent", "order_quote", "order_mark_paid",
    "order_messages_resend", "order_expire", "order_cancel", "order_refund", "payment_apply", "payment_start", "cash_reference", "payment_cash_record",
    "idempotency_response_store",
]
