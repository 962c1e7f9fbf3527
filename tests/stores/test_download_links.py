"""Signed expiring links stream a privately stored media file; nothing else reaches it."""
import time

import pytest

from stores.services import media_file_download_url
from tests.factories.stores import MediaFileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_file(db):
    return MediaFileFactory(title="Intro")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_download_streams_file_when_link_valid(api, media_file):
    url = media_file_download_url(media_file=media_file, expires_in=60)
    assert url.startswith("/stores/media/download/")
    response = api.get(url, HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200
    assert body_of(response) == b"ID3 not really an mp3"
    assert response["Content-Type"] == "audio/mpeg"
    assert 'filename="Intro.mp3"' in response["Content-Disposition"]


def test_download_works_without_trailing_slash(api, media_file):
    url = media_file_download_url(media_file=media_file, expires_in=60)
    assert api.get(url.rstrip("/")).status_code == 200


def test_download_is_410_when_link_expired(api, media_file, monkeypatch):
    url = media_file_download_url(media_file=media_file, expires_in=60)
    later = time.time() + 61
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = api.get(url)
    assert response.status_code == 410
    assert response.json()["code"] == "download_link_expired"


def test_download_still_valid_just_before_expiry(api, media_file, monkeypatch):
    url = media_file_download_url(media_file=media_file, expires_in=60)
    later = time.time() + 58
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert api.get(url).status_code == 200


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
    lambda token: "x" + token,
    lambda token: "not-a-token",
])
def test_download_is_404_when_link_tampered(api, media_file, tamper):
    token = media_file_download_url(media_file=media_file, expires_in=60).rstrip("/").rsplit("/", 1)[1]
    response = api.get(f"/stores/media/download/{tamper(token)}/")
    assert response.status_code == 404
    assert response.json()["code"] == "download_link_invalid"


def test_download_is_404_when_link_signed_with_another_key(api, media_file, settings):
    url = media_file_download_url(media_file=media_file, expires_in=60)
    settings.SECRET_KEY = "another-secret-key-that-is-long-enough-for-signing"
    assert api.get(url).status_code == 404


def test_download_is_404_when_file_deleted(api, media_file):
    url = media_file_download_url(media_file=media_file, expires_in=60)
    media_file.delete()
    assert api.get(url).status_code == 404


def test_download_link_absolute_when_request_given(rf, media_file):
    url = media_file_download_url(media_file=media_file, expires_in=60, request=rf.get("/"))
    assert url.startswith("http://testserver/stores/media/download/")
