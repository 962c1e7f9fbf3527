from mookh.core.errors import DomainError


class UnmatchedPaymentResolved(DomainError):
    """Unmatched money already assigned to an order or refunded: it cannot be resolved again."""

    code = "unmatched_resolved"
    message = "This money was already resolved."
