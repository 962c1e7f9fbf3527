"""Album download links: each names the order line that entitles it and one file of its album, signed,
with an expiry. A link opens its file only while the line's order is PAID, so a refund revokes it at
once. A link expires at the next UTC midnight plus ALBUM_DOWNLOAD_LINK_TTL: reading an order again
the same day gives the same links, and each lasts at least that long."""
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from orders.errors import DownloadLinkExpired, DownloadLinkInvalid
from orders.models import OrderLine
from orders.selectors import album_file_entitled
from stores.models import MediaFile

# Part of every link already sent: another salt would break them all.
SALT = "orders.tickets.album_file_download"
LINK_STABLE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class DownloadLink:
    path: str
    expires_at: datetime


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def _expiry() -> int:
    """Unix seconds: the next UTC day boundary, plus the configured lifetime."""
    day_end = math.ceil(time.time() / LINK_STABLE_SECONDS) * LINK_STABLE_SECONDS
    return day_end + int(settings.ALBUM_DOWNLOAD_LINK_TTL.total_seconds())


def album_file_link(*, line: OrderLine, media_file: MediaFile) -> DownloadLink:
    """The path of the link through which the buyer of `line` downloads `media_file`."""
    expires = _expiry()
    token = _signer().sign_object({"line": line.pk.hex, "file": media_file.pk.hex, "exp": expires})
    path = reverse("media-file-download", kwargs={"token": token}).rstrip("/") + "/"
    return DownloadLink(path=path, expires_at=datetime.fromtimestamp(expires, tz=UTC))


def album_file_for_download(*, token: str) -> MediaFile:
    """The file a link grants: 404 when forged, altered or no longer entitled, 410 once expired."""
    try:
        payload = _signer().unsign_object(token)
        line_id, media_file_id, expires = payload["line"], payload["file"], int(payload["exp"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise DownloadLinkInvalid() from exc
    if time.time() > expires:
        raise DownloadLinkExpired()
    media_file = album_file_entitled(line_id=line_id, media_file_id=media_file_id)
    if media_file is None:
        raise DownloadLinkInvalid()
    return media_file
