"""Dates and moments the API accepts: ones PostgreSQL can store and Python can read back anywhere.

Python reads ISO 8601 offsets up to ±23:59 and years 1 to 9999. PostgreSQL refuses offsets past
±15:59, and a moment within a day of either end of Python's calendar overflows once it is moved
to UTC (as it is stored) or to a store's time zone (as it is shown). So a moment is accepted when
its offset is at most ±18:00 (the widest ISO 8601 offset in use anywhere) and it falls between
0001-01-02 and 9999-12-30 in UTC; it is then carried in UTC, whatever offset it was written with.
A plain date is accepted in the same range, so that any time zone's day around it still fits.
"""
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

OFFSET_MAX = timedelta(hours=18)
MOMENT_MIN = datetime(1, 1, 2, tzinfo=dt_timezone.utc)
MOMENT_MAX = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=dt_timezone.utc)
DAY_MIN = MOMENT_MIN.date()
DAY_MAX = MOMENT_MAX.date()

OUT_OF_RANGE = f"Give a date between {DAY_MIN.isoformat()} and {DAY_MAX.isoformat()}."
OFFSET_TOO_WIDE = "A UTC offset is at most ±18:00."


class InvalidMoment(ValueError):
    pass


def moment_bounded(value: datetime) -> datetime:
    """An aware `value` in UTC; InvalidMoment when its offset or its year is out of range."""
    offset = value.utcoffset()
    if offset is None:
        raise InvalidMoment("Give the time with its UTC offset, e.g. 2026-03-01T18:00:00+03:00.")
    if abs(offset) > OFFSET_MAX:
        raise InvalidMoment(OFFSET_TOO_WIDE)
    try:
        moment = value.astimezone(dt_timezone.utc)
    except OverflowError:
        raise InvalidMoment(OUT_OF_RANGE) from None
    if not MOMENT_MIN <= moment <= MOMENT_MAX:
        raise InvalidMoment(OUT_OF_RANGE)
    return moment


def day_bounded(value: date) -> date:
    """`value` itself; InvalidMoment when it lies within a day of either end of the calendar."""
    if not DAY_MIN <= value <= DAY_MAX:
        raise InvalidMoment(OUT_OF_RANGE)
    return value
