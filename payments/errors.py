"""Why money cannot be moved: refunds that cannot be made and unmatched money already resolved,
rendered as 409 with a stable `code` (amounts above what can be refunded are field errors, 400)."""
from mookh.core.errors import DomainError


class OrderNotRefundable(DomainError):
    """The order has received nothing (`not_paid`), or is still being paid (`order_open`)."""

    code = "not_paid"
    message = "The order has received no money to refund."


class RefundNothingLeft(DomainError):
    code = "nothing_to_refund"
    message = "Everything this order received has been refunded or is being refunded."


class RefundWholePaymentsOnly(DomainError):
    """The amount would send back part of a payment through a provider that returns only whole ones."""

    code = "whole_payments_only"
    message = "This provider refunds whole payments only."


class RefundRefused(DomainError):
    """The provider refused (or could not make) the refund; the order is as it was."""

    code = "refund_refused"
    message = "The payment provider refused the refund."


class RefundNotRetryable(DomainError):
    code = "refund_not_retryable"
    message = "Only a failed refund of money not refunded since can be sent again."


class UnmatchedPaymentResolved(DomainError):
    """Unmatched money already assigned to an order or refunded: it cannot be resolved again."""

    code = "unmatched_resolved"
    message = "This money was already resolved."


class UnmatchedPaymentRefundPending(DomainError):
    """A refund of this money to the payer is under way: it cannot be assigned or refunded again until
    the provider answers."""

    code = "refund_pending"
    message = "A refund of this money to the payer is under way."


class UnmatchedPaymentNotRefundable(DomainError):
    """The provider that took this money has no refund API: staff hand it back themselves."""

    code = "no_refund_api"
    message = "This provider cannot refund the money through its API."


class PromptTooSoon(DomainError):
    """A prompt for this order left moments ago (a double press): 429 with Retry-After."""

    status = 429
    code = "prompt_too_soon"

    def __init__(self, *, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"A payment request was just sent to this order's phone: wait {retry_after} seconds "
                         "before asking again.", retry_after=retry_after)
