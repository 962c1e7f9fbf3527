"""Uploads are stored under generated names, and a file whose row is not written is not kept on disk."""
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from PIL import Image

from stores.models import Album, Event, MediaFile
from tests.conftest import client_for
from tests.factories.stores import AlbumFactory, EventFactory

pytestmark = pytest.mark.django_db

LONG_STEM = "a" * 296  # 300 characters with ".mp3"


def png(name) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def mp3(name="song.mp3", content_type="audio/mpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"ID3" + b"\x00" * 64, content_type=content_type)


def files_under(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def upload(owner, album, **fields):
    return client_for(owner).post(f"/stores/album/{album.id}/media_files/", fields, format="multipart")


def test_media_file_stored_under_generated_name_with_title_cut_when_name_has_300_characters(owner, store, settings):
    album = AlbumFactory(store=store)
    response = upload(owner, album, file=mp3(f"{LONG_STEM}.mp3"))
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "a" * 200
    media_file = MediaFile.objects.get()
    assert re.fullmatch(r"media_files/[0-9a-f]{32}\.mp3", media_file.file.name)
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == [Path(settings.PRIVATE_MEDIA_ROOT) / media_file.file.name]


def test_media_file_stored_without_extension_when_extension_is_not_plain(owner, store):
    album = AlbumFactory(store=store)
    assert upload(owner, album, file=mp3("song.mp3;rm -rf"), title="Song").status_code == 201
    assert re.fullmatch(r"media_files/[0-9a-f]{32}", MediaFile.objects.get().file.name)


def test_media_file_leaves_no_file_on_disk_when_its_row_cannot_be_written(owner, store, settings):
    album = AlbumFactory(store=store)
    with connection.cursor() as cursor:  # the database refuses the row, after the file was stored
        cursor.execute("ALTER TABLE stores_mediafile ADD CONSTRAINT test_refuse_rows CHECK (size < 0) NOT VALID")
    with pytest.raises(IntegrityError):
        upload(owner, album, file=mp3())
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == []


def test_media_file_rejected_naming_position_and_no_file_kept_when_position_too_large(owner, store, settings):
    album = AlbumFactory(store=store)
    response = upload(owner, album, file=mp3(), position=2**31)
    assert response.status_code == 400
    assert "position" in response.json()
    assert not MediaFile.objects.exists()
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == []


def test_media_file_rejected_naming_file_and_no_file_kept_when_content_type_too_long(owner, store, settings):
    album = AlbumFactory(store=store)
    response = upload(owner, album, file=mp3(content_type="audio/" + "x" * 200))
    assert response.status_code == 400
    assert "file" in response.json()
    assert not MediaFile.objects.exists()
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == []


def test_event_poster_stored_under_generated_name_when_name_has_300_characters(owner, store, settings):
    event = EventFactory(store=store)
    response = client_for(owner).patch(f"/stores/event/{event.id}/", {"event_poster": png("p" * 296 + ".png")},
                                       format="multipart")
    assert response.status_code == 200, response.content
    name = Event.objects.get().event_poster.name
    assert re.fullmatch(r"event_posters/[0-9a-f]{32}\.png", name)
    assert (Path(settings.MEDIA_ROOT) / name).exists()


def test_album_thumbnail_stored_under_generated_name_when_name_has_300_characters(owner, store):
    album = AlbumFactory(store=store)
    response = client_for(owner).patch(f"/stores/album/{album.id}/", {"thumbnail": png("t" * 296 + ".PNG")},
                                       format="multipart")
    assert response.status_code == 200, response.content
    assert re.fullmatch(r"album_thumbnails/[0-9a-f]{32}\.png", Album.objects.get().thumbnail.name)
