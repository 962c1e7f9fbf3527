from mookh.core.errors import DomainError


class TicketTokenInvalid(DomainError):
    """Forged, altered, truncated or signed by a key this server does not know."""

    status = 404  # not a ticket: answered like an unknown one
    code = "ticket_token_invalid"
    message = "This ticket code is not genuine."


class IssuedTicketNotFound(DomainError):
    status = 404
    code = "ticket_not_found"
    message = "No such ticket for this event."


class IssuedTicketVoid(DomainError):
    status = 404
    code = "ticket_void"
    message = "This ticket is void (its order was refunded or it was cancelled)."


class TicketAlreadyCheckedIn(DomainError):
    code = "already_checked_in"
    message = "This ticket was already checked in."

