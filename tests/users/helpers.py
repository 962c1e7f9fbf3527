import re

CODE_RE = re.compile(r"\b(\d{5})\b")


def code_from_mail(message) -> str:
    return CODE_RE.search(message.body).group(1)
