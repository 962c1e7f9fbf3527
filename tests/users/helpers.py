import re

CODE_RE = re.compile(r"\b(\d{5})\b")


def code_from_mail(message) -> str:
    return CODE_RE.search(message.body).group(1)


def throttle_rates(settings, **rates) -> None:
    """Override some rates of REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] for one test (pytest-django's
    `settings` fixture restores them). Give long windows ("3/3650d") so none ends mid-test."""
    current = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {**current, "DEFAULT_THROTTLE_RATES": {**current["DEFAULT_THROTTLE_RATES"], **rates}}
