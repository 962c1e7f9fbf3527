from mookh.core.errors import InvalidInput


class CodeInvalid(InvalidInput):
    """Every refusal of a one-time code, whatever the reason (wrong, expired, used up, locked,
    unknown account): one answer, so that it tells nothing about the account."""

    def __init__(self):
        super().__init__({"code": "The code is wrong or has expired."}, code="code_invalid")
