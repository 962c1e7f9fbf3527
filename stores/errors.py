from mookh.core.errors import DomainError


class TicketSoldOut(DomainError):
    code = "sold_out"
    message = "Not enough tickets left."


class CatalogObjectInUse(DomainError):
    code = "in_use"
    message = "This object is still in use and cannot be deleted."


class InvitationNotPending(DomainError):
    code = "invitation_not_pending"
    message = "This invitation was already answered or withdrawn."


class InvitationExpired(DomainError):
    code = "invitation_expired"
    message = "This invitation has expired; ask the store's owner for a new one."


class ApiKeyLimitReached(DomainError):
    code = "api_key_limit"
    message = "This store has as many API keys as it may; revoke one first."
