"""Money in, and back out; import from here."""
from payments.services.attempts import (
    callback_url, order_payment_begin, order_payment_refresh, payment_attempt_create, payment_push,
)
from payments.services.crediting import cash_reference, payment_apply, payment_cash_record
from payments.services.refunds import late_money_refund_record, refund_owed_record
from payments.services.refund_sending import refund_retry, refund_returned_by_hand, refund_send
from payments.services.refunding import order_refund_execute
from payments.services.callbacks import airtel_callback_receive, mpesa_callback_receive, mtn_callback_receive
from payments.services.reconciliation import payment_attempts_reconcile_due, payment_reconcile
from payments.services.results import payment_result_apply
from payments.services.sandbox import SandboxOutcome, sandbox_complete
from payments.services.paybill import (
    SandboxPaybillOutcome, paybill_confirmation_receive, paybill_validation_receive, sandbox_paybill_pay,
)
from payments.services.unmatched import unmatched_payment_assign, unmatched_payment_refund

__all__ = [
    "callback_url", "order_payment_begin", "order_payment_refresh", "payment_attempt_create", "payment_push",
    "airtel_callback_receive", "mpesa_callback_receive", "mtn_callback_receive", "payment_result_apply",
    "SandboxOutcome", "sandbox_complete", "cash_reference", "payment_apply", "payment_cash_record",
    "SandboxPaybillOutcome", "paybill_confirmation_receive", "paybill_validation_receive", "sandbox_paybill_pay",
    "unmatched_payment_assign", "unmatched_payment_refund",
    "refund_owed_record", "late_money_refund_record", "order_refund_execute", "refund_send", "refund_retry",
    "refund_returned_by_hand",
    "payment_attempts_reconcile_due", "payment_reconcile",
]
