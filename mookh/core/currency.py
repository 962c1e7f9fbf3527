"""ISO 4217 currency codes and money amounts as the API writes them ("1000.00")."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Active ISO 4217 alphabetic codes (fund and precious-metal codes left out: nothing is priced in them).
ISO_4217_CODES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED
VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
""".split())

# The currency a store in each supported country sells in unless it says otherwise.
DEFAULT_CURRENCY_BY_COUNTRY = {"KE": "KES", "UG": "UGX", "TZ": "TZS", "RW": "RWF"}

CENT = Decimal("0.01")
# The highest price of one item. An order line holds up to 1000 units in a column of 12 integer digits,
# so one unit may have 8: 99,999,999.99 x 1000 still fits.
AMOUNT_MAX = Decimal("99999999.99")


class InvalidCurrency(ValueError):
    pass


class InvalidAmount(ValueError):
    pass


def currency_normalize(code) -> str:
    """Upper-cased ISO 4217 code; raises InvalidCurrency for anything else."""
    text = str(code or "").strip().upper()
    if text not in ISO_4217_CODES:
        raise InvalidCurrency(f"{code!r} is not an ISO 4217 currency code.")
    return text


def amount_parse(value) -> Decimal:
    """A non-negative amount up to AMOUNT_MAX with at most 2 decimal places, as a Decimal quantized to cents."""
    if isinstance(value, bool):
        raise InvalidAmount(f"{value!r} is not an amount.")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidAmount(f"{value!r} is not an amount.") from exc
    if not amount.is_finite():
        raise InvalidAmount(f"{value!r} is not an amount.")
    if amount < 0:
        raise InvalidAmount("An amount may not be negative.")
    # Before quantizing: "1e999999" has more digits than any Decimal context holds.
    if amount > AMOUNT_MAX:
        raise InvalidAmount(f"An amount may be at most {AMOUNT_MAX}.")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise InvalidAmount("An amount has at most 2 decimal places.")
    return abs(amount.quantize(CENT))  # "-0" is 0.00


def amount_format(amount) -> str:
    """The API's money string: "1000.00"."""
    return str(Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP))
