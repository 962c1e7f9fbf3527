from mookh.core.errors import DomainError


class TicketSoldOut(DomainError):
    code = "sold_out"
    message = "Not enough tickets left."
