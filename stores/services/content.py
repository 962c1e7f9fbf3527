"""Albums and their privately stored media files."""
import logging

from django.db import transaction
from django.db.models import Max

from mookh.core.errors import InvalidInput
from mookh.core.uploads import upload_title
from stores.models import Album, MediaFile, Store
from stores.services.guards import attributes_set, object_delete, store_field_check, store_manage_require
from stores.services.prices import prices_resolve
from stores.storage import private_storage

logger = logging.getLogger(__name__)


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


def media_file_add(*, album: Album, actor, file, title: str = "", position: int | None = None) -> MediaFile:
    """Store an uploaded file privately; its size and type were checked by the API.

    The file is stored under a generated name (the one it was uploaded with becomes the default
    title, cut to the column). It is written before its row: when the row cannot be written, the
    file is deleted again, so that no file is left on disk without a row. Call it outside a
    transaction (as the API does), so that the row is committed when this returns.
    """
    store_manage_require(actor=actor, store=album.store)
    content_type = getattr(file, "content_type", "") or ""
    if len(content_type) > MediaFile._meta.get_field("content_type").max_length:
        raise InvalidInput({"file": f"Unsupported file type {content_type[:40]}…"}, code="unsupported_type")
    title_length = MediaFile._meta.get_field("title").max_length
    title = (title or upload_title(file.name, max_length=title_length) or "Untitled")[:title_length]
    media_file = MediaFile(album=album, title=title, content_type=content_type, size=file.size)
    media_file.file.save(file.name, file, save=False)
    try:
        with transaction.atomic():
            media_file.position = _next_position(album) if position is None else position
            media_file.save(force_insert=True)
    except BaseException:
        _private_files_delete([media_file.file.name])
        raise
    logger.info("media file %s added to album %s", media_file.pk, album.pk)
    return media_file


def _next_position(album: Album) -> int:
    last = MediaFile.objects.filter(album=album).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


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
