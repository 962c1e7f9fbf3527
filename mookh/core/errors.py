"""Domain errors: raised by services anywhere, rendered once by `mookh.core.api.exception_handler`."""


class DomainError(Exception):
    """A business rule refused the request. `code` is stable; tests and clients match on it."""

    status = 409
    code = "conflict"
    message = "The request conflicts with the current state."

    def __init__(self, message: str | None = None, *, code: str | None = None, **details):
        self.message = message or self.message
        if code:
            self.code = code
        self.details = details
        super().__init__(self.message)


class InvalidInput(DomainError):
    """A rule about one or more fields failed; rendered as DRF's field map with status 400."""

    status = 400
    code = "invalid"

    def __init__(self, fields: dict[str, str | list[str]], *, code: str | None = None):
        self.fields = {name: msg if isinstance(msg, (list, dict)) else [msg] for name, msg in fields.items()}
        super().__init__("; ".join(f"{name}: {messages}" for name, messages in self.fields.items()), code=code)


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "Not found."


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    message = "You do not have permission to perform this action."


class LockTimeout(DomainError):
    """The database could not take a lock quickly enough; the client should retry shortly."""

    status = 503
    code = "busy"
    message = "The system is busy, please retry."


class DatabaseUnavailable(DomainError):
    """The database could not be reached (restarting, failing over); the client should retry shortly.

    The request's transaction did not commit, unless the connection broke during the COMMIT
    itself: a retry with the same Idempotency-Key answers with that order, not a second one."""

    status = 503
    code = "database_unavailable"
    message = "The service is briefly unavailable, please retry."
    retry_after = 2
