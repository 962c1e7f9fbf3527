"""One convention for every date-time in an answer: ISO 8601 in the current time zone (TIME_ZONE,
with its offset), exactly as DRF's DateTimeField renders it, for answers built without serializers."""
from datetime import datetime

from django.utils import timezone


def iso_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
