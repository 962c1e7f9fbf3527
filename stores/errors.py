from mookh.core.errors import DomainError


class TicketSoldOut(DomainError):
    code = "sold_out"
    message = "Not enough tickets left."


class CatalogObjectInUse(DomainError):
    code = "in_use"
    message = "This object is still in use and cannot be deleted."


class DownloadLinkInvalid(DomainError):
    status = 404
    code = "download_link_invalid"
    message = "This download link is not valid."


class DownloadLinkExpired(DomainError):
    status = 410
    code = "download_link_expired"
    message = "This download link has expired."
