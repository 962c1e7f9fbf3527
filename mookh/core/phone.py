"""E.164 phone numbers: the only format the API accepts and the only one we store."""
from functools import lru_cache

import phonenumbers

# A request reads its buyer's number more than once (the per-phone limit, the input, the payment
# method's country), and parsing one is one of an order's larger costs: recent results are kept.
PARSED_NUMBERS_KEPT = 4096


class InvalidPhoneNumber(ValueError):
    pass


def phone_normalize(value: str, *, region: str | None = None) -> str:
    """Return `value` as E.164 (`+254720111222`) or raise InvalidPhoneNumber.

    Local forms (`0720111222`) are refused on purpose unless the caller knows the country
    (`region`, e.g. "KE" where the buyer chose M-Pesa): without one they are ambiguous.
    """
    return _e164((value or "").strip(), region)


@lru_cache(maxsize=PARSED_NUMBERS_KEPT)
def _e164(text: str, region: str | None) -> str:
    if not text.startswith("+") and not region:
        raise InvalidPhoneNumber("Enter the phone number in international format, e.g. +254720111222.")
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber("Enter a valid international phone number, e.g. +254720111222.") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber("Enter a valid international phone number, e.g. +254720111222.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=PARSED_NUMBERS_KEPT)
def phone_country(value: str) -> str | None:
    """ISO country code (KE, UG, …) of an E.164 number."""
    return phonenumbers.region_code_for_number(phonenumbers.parse(value, None))
