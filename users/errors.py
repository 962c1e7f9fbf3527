from mookh.core.errors import InvalidInput


class CodeInvalid(InvalidInput):
    def __init__(self, message="The code is wrong."):
        super().__init__({"code": message}, code="code_invalid")


class CodeExpired(InvalidInput):
    def __init__(self):
        super().__init__({"code": "The code has expired or was used up; ask for a new one."}, code="code_expired")
