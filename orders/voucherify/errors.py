from mookh.core.errors import DomainError, NotFound


class ApiResourceNotFound(NotFound):
    """No such order, customer, import or export in the caller's store (details name which)."""

    message = "Resource not found"

    def __init__(self, resource_type: str, resource_id: str):
        super().__init__(details=f"Cannot find {resource_type} with id {resource_id}",
                         resource_type=resource_type, resource_id=resource_id)


class ApiOrderItemsLocked(DomainError):
    code = "order_items_locked"
    message = "The items and amounts of an order are fixed once it is paid, cancelled or expired."


class ApiOrderStatusRefused(DomainError):
    code = "order_status_refused"
    message = "The order cannot take that status from its current one."


class SourceIdTaken(DomainError):
    code = "duplicate_source_id"
    message = "Another order of this store has this source_id."


class ExportNotReady(NotFound):
    code = "export_not_ready"
    message = "The export's file is not ready."
