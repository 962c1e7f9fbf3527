"""What every payment provider adapter speaks: plain values in, plain values out.

Adapters build the provider's exact requests and read its exact answers and callbacks
(payments.md); they never touch the database. The payments services decide what a result
means for an order, so one crediting path serves callbacks, status queries and the sandbox.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal


class ProviderError(Exception):
    """The provider refused a request or could not be reached; `retryable` when trying again may help."""

    def __init__(self, message: str, *, code: str = "provider_error", retryable: bool = False):
        super().__init__(message)
        self.code = code
        self.retryable = retryable


class CallbackInvalid(Exception):
    """A callback body that cannot be read (answered 400, recorded)."""


class CallbackUnauthenticated(Exception):
    """A callback whose signature, hash or token does not check out (answered 401, recorded)."""


class ResultStatus:
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PENDING = "pending"


@dataclass(frozen=True)
class PushRequest:
    """Ask a payer's phone for money (STK push, USSD push, request-to-pay)."""

    reference: str          # ours, unique per attempt: the provider's idempotency or lookup key where it has one
    order_number: str       # shown to the payer (AccountReference, externalId, reference)
    amount: Decimal
    currency: str
    phone: str              # E.164, e.g. +254708374149
    callback_url: str


@dataclass(frozen=True)
class PushStarted:
    provider_reference: str  # what the provider's callback and status query name the attempt by
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderResult:
    """What a callback, a receipt or a status query says about one attempt."""

    provider_reference: str
    status: str             # ResultStatus
    amount: Decimal | None = None
    currency: str | None = None
    receipt: str | None = None  # the provider's money reference (MpesaReceiptNumber, transaction_id, …)
    description: str = ""
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RefundRequest:
    """Send back (part of) one payment through the provider that took it."""

    reference: str          # ours, unique per refund (a UUID4): the provider's idempotency key where it has one
    payment_reference: str  # the provider's money reference of the payment (MpesaReceiptNumber, airtel_money_id, …)
    payment_amount: Decimal  # what that payment brought
    amount: Decimal         # what goes back now
    currency: str
    order_number: str
    collection_reference: str = ""  # what the provider named the payment request (MTN's X-Reference-Id)
    result_url: str = ""    # where a provider that answers later posts its result (M-Pesa's ResultURL)
    timeout_url: str = ""   # and where it says the request timed out in its queue (QueueTimeOutURL)


@dataclass(frozen=True)
class RefundResult:
    """What a provider says about a refund: SUCCEEDED (the money went back), PENDING (its result
    comes later) or FAILED. A refusal at the request raises ProviderError instead."""

    status: str             # ResultStatus
    provider_reference: str = ""  # what the provider names the refund request by
    receipt: str = ""       # the provider's reference of the money sent back, once it is
    description: str = ""
    raw: dict = field(default_factory=dict)


# A provider's refund: send (part of) one payment back. Raises ProviderError when nothing went
# back, `retryable` only when sending the same request again is safe (payments/providers/refunds.py).
RefundOperation = Callable[[RefundRequest], RefundResult]
