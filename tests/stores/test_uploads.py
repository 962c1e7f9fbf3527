"""Posters, thumbnails and sold files: size and type checks; sold files private, reached by signed links."""
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from stores.models import Album, Event, MediaFile
from tests.conftest import client_for
from tests.factories.stores import AlbumFactory, EventFactory, MediaFileFactory

pytestmark = pytest.mark.django_db


def png(name="poster.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def mp3(data=b"ID3" + b"\x00" * 64, name="song.mp3", content_type="audio/mpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_event_poster_uploaded_to_public_media_when_image(owner, store, settings):
    event = EventFactory(store=store)
    response = client_for(owner).patch(f"/stores/event/{event.id}/", {"event_poster": png()}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["event_poster"].startswith("http://testserver/media/event_posters/")
    event.refresh_from_db()
    assert (Path(settings.MEDIA_ROOT) / event.event_poster.name).exists()


def test_event_poster_rejected_when_not_an_image(owner, store):
    event = EventFactory(store=store)
    upload = SimpleUploadedFile("poster.png", b"not an image", content_type="image/png")
    response = client_for(owner).patch(f"/stores/event/{event.id}/", {"event_poster": upload}, format="multipart")
    assert response.status_code == 400
    assert "event_poster" in response.json()
    event.refresh_from_db()
    assert not event.event_poster


def test_event_poster_rejected_when_larger_than_limit(owner, store, settings):
    settings.STORES_IMAGE_MAX_BYTES = 50
    event = EventFactory(store=store)
    response = client_for(owner).patch(f"/stores/event/{event.id}/", {"event_poster": png()}, format="multipart")
    assert response.status_code == 400
    assert "event_poster" in response.json()
    assert not Event.objects.get().event_poster


def test_album_thumbnail_uploaded_with_prices_as_json_text_when_multipart(owner, store):
    album = AlbumFactory(store=store)
    response = client_for(owner).patch(f"/stores/album/{album.id}/",
                                       {"thumbnail": png("cover.png"), "prices": '{"KES": "500"}'}, format="multipart")
    assert response.status_code == 200, response.content
    album.refresh_from_db()
    assert album.thumbnail.name.startswith("album_thumbnails/")
    assert album.prices == {"KES": "500.00"}


def test_media_file_stored_privately_and_described_without_url_when_uploaded(owner, store, settings):
    album = AlbumFactory(store=store)
    response = client_for(owner).post(f"/stores/album/{album.id}/media_files/", {"file": mp3(), "title": "Intro"},
                                      format="multipart")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "album", "title", "content_type", "size", "position", "created"}
    assert (data["title"], data["content_type"], data["size"]) == ("Intro", "audio/mpeg", 67)
    media_file = MediaFile.objects.get()
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / media_file.file.name).exists()
    assert not (Path(settings.MEDIA_ROOT) / media_file.file.name).exists()
    album_data = client_for(owner).get(f"/stores/album/{album.id}/").json()
    assert "media_files/" not in str(album_data) and "/media/" not in str(album_data)


def test_media_file_positions_follow_upload_order_when_not_given(owner, store):
    album = AlbumFactory(store=store)
    client = client_for(owner)
    for _ in range(2):
        client.post(f"/stores/album/{album.id}/media_files/", {"file": mp3()}, format="multipart")
    assert list(MediaFile.objects.order_by("position").values_list("position", "title")) == [(0, "song"), (1, "song")]


def test_media_file_rejected_naming_file_when_type_not_allowed(owner, store):
    album = AlbumFactory(store=store)
    upload = mp3(name="tool.exe", content_type="application/x-msdownload")
    response = client_for(owner).post(f"/stores/album/{album.id}/media_files/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
    assert not MediaFile.objects.exists()


def test_media_file_rejected_naming_file_when_larger_than_limit(owner, store, settings):
    settings.STORES_MEDIA_FILE_MAX_BYTES = 10
    album = AlbumFactory(store=store)
    response = client_for(owner).post(f"/stores/album/{album.id}/media_files/", {"file": mp3()}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
    assert not MediaFile.objects.exists()


def test_media_file_upload_refused_when_agent(store, agent):
    album = AlbumFactory(store=store)
    response = client_for(agent).post(f"/stores/album/{album.id}/media_files/", {"file": mp3()}, format="multipart")
    assert response.status_code == 403
    assert not MediaFile.objects.exists()


def test_media_file_removed_from_disk_when_deleted(owner, store, settings, django_capture_on_commit_callbacks):
    media_file = MediaFileFactory(album=AlbumFactory(store=store))
    path = Path(settings.PRIVATE_MEDIA_ROOT) / media_file.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).delete(f"/stores/album/{media_file.album_id}/media_files/{media_file.id}/")
    assert response.status_code == 204
    assert not path.exists()
    assert Album.objects.exists()
