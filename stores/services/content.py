"""Albums, their media files, and the signed expiring links through which buyers download them."""
import logging
import os
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from mookh.core.errors import InvalidInput
from stores.errors import DownloadLinkExpired, DownloadLinkInvalid
from stores.models import Album, MediaFile, Store
from stores.selectors import media_file_get
from stores.services.guards import attributes_set, object_delete, store_field_check, store_manage_require
from stores.services.prices import prices_resolve
from stores.storage import private_storage

logger = logging.getLogger(__name__)

DOWNLOAD_SALT = "stores.media_file.download"


@transaction.atomic
def album_create(*, actor, store: Store, media_type, name: str, prices: dict | None = None, **fields) -> Album:
    store_field_check(actor=actor, store=store, field="store")
    prices = prices_resolve(currency=store.default_currency, prices=prices)
    album = Album.objects.create(store=store, media_type=media_type, name=name, prices=prices, **fields)
    logger.info("album %s created in store %s", album.pk, store.pk)
    return album


@transaction.atomic
def album_update(*, album: Album, actor, **fields) -> Album:
    store_manage_require(actor=actor, store=album.store)
    store = fields.pop("store", album.store)
    if store.pk != album.store_id:
        raise InvalidInput({"store": "An album cannot move to another store."}, code="store_immutable")
    if "prices" in fields:
        fields["prices"] = prices_resolve(currency=album.store.default_currency, prices=fields["prices"])
    attributes_set(album, fields)
    album.save()
    return album


def album_delete(*, album: Album, actor) -> None:
    store_manage_require(actor=actor, store=album.store)
    names = list(MediaFile.objects.filter(album=album).values_list("file", flat=True))
    with transaction.atomic():
        object_delete(album)
        transaction.on_commit(lambda: _private_files_delete(names))


@transaction.atomic
def media_file_add(*, album: Album, actor, file, title: str = "", position: int | None = None) -> MediaFile:
    """Store an uploaded file privately; its size and type were checked by the API."""
    store_manage_require(actor=actor, store=album.store)
    if position is None:
        last = MediaFile.objects.filter(album=album).aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    media_file = MediaFile.objects.create(
        album=album, file=file, title=title or os.path.splitext(os.path.basename(file.name))[0],
        content_type=getattr(file, "content_type", "") or "", size=file.size, position=position,
    )
    logger.info("media file %s added to album %s", media_file.pk, album.pk)
    return media_file


@transaction.atomic
def media_file_delete(*, media_file: MediaFile, actor) -> None:
    store_manage_require(actor=actor, store=media_file.album.store)
    name = media_file.file.name
    media_file.delete()
    transaction.on_commit(lambda: _private_files_delete([name]))


def _private_files_delete(names) -> None:
    for name in names:
        if name:
            private_storage.delete(name)


def media_file_download_url(*, media_file: MediaFile, expires_in: int | timedelta, request=None) -> str:
    """A link that streams the file to whoever holds it, until `expires_in` has passed."""
    seconds = int(expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in)
    if seconds <= 0:
        raise ValueError("expires_in must be positive")
    token = signing.TimestampSigner(salt=DOWNLOAD_SALT).sign_object({"media_file": str(media_file.pk),
                                                                     "ttl": seconds})
    path = reverse("media-file-download", kwargs={"token": token}).rstrip("/") + "/"
    return request.build_absolute_uri(path) if request is not None else path


def media_file_for_download(*, token: str) -> MediaFile:
    """The file a download token grants: 404 when forged or for a deleted file, 410 once expired."""
    signer = signing.TimestampSigner(salt=DOWNLOAD_SALT)
    try:
        payload = signer.unsign_object(token)
        signer.unsign_object(token, max_age=payload["ttl"])
    except signing.SignatureExpired as exc:
        raise DownloadLinkExpired() from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise DownloadLinkInvalid() from exc
    media_file = media_file_get(payload["media_file"])
    if media_file is None:
        raise DownloadLinkInvalid()
    return media_file
