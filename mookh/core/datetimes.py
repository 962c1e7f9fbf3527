"""One convention for every date-time in an answer: ISO 8601 in the current time zone (TIME_ZONE,
with its offset), exactly as DRF's DateTimeField renders it, for answers built without serializers.

Before a zone's first standard offset (Nairobi's is from 1908) its local mean time has seconds
(+02:27:16), which RFC 3339 readers refuse: such a moment is written in UTC instead."""
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.utils import timezone

MINUTE = timedelta(minutes=1)


def moment_shown(value: datetime) -> datetime:
    """`value` in the current time zone, or in UTC where that zone's offset is not whole minutes."""
    local = timezone.localtime(value)
    return local if local.utcoffset() % MINUTE == timedelta(0) else value.astimezone(dt_timezone.utc)


def iso_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = moment_shown(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
