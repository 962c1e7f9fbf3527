from mookh.core.errors import DomainError


class OrderTransitionIllegal(DomainError):
    code = "illegal_transition"
    message = "The order cannot move to that status from its current one."


class BuyerLimitReached(DomainError):
    code = "buyer_limit"
    message = "This buyer already holds the most tickets of this type allowed per buyer."


class OrderNotPayable(DomainError):
    code = "not_payable"
    message = "The order cannot take this payment."


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used with a different request body."


class DownloadLinkInvalid(DomainError):
    """Forged or altered, for a file the line does not entitle, or its order is no longer paid."""

    status = 404
    code = "download_link_invalid"
    message = "This download link is not valid."


class DownloadLinkExpired(DomainError):
    status = 410
    code = "download_link_expired"
    message = "This download link has expired."
