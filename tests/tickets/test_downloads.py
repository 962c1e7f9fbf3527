"""Album downloads: each link is bound to the order line that entitles it, signed, and expiring.
It opens only that line's album files, only while the order is paid, and only until it expires."""
import base64
import json
import time
from datetime import datetime, timedelta

import pytest
from django.core import signing

from orders.downloads import album_file_link
from orders.models import OrderLine
from tests.conftest import client_for
from tests.factories.stores import MediaFileFactory
from tests.tickets.conftest import pay, place

pytestmark = pytest.mark.django_db


def _media_files(api, order):
    return api.get(f"/stores/orders/{order.pk}/").json()["order_detail"][0]["media_files"]


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _at(monkeypatch, moment: float) -> None:
    monkeypatch.setattr("time.time", lambda: moment)


@pytest.fixture
def paid(api, catalog):
    return pay(place(api, (catalog.album, 1)))


def test_no_download_links_when_order_unpaid(api, catalog):
    order = place(api, (catalog.album, 1))
    assert _media_files(api, order) == []
    order.refresh_from_db()
    assert order.status == "PENDING"


def test_download_streams_the_file_when_order_paid(api, paid):
    links = _media_files(api, paid)
    assert [link["title"] for link in links] == ["Intro", "Outro"]
    assert links[0]["url"].startswith("http://testserver/stores/media/download/")
    response = api.get(links[0]["url"], HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200 and _body(response) == b"ID3 not really an mp3"
    assert response["Content-Type"] == "audio/mpeg" and 'filename="Intro.mp3"' in response["Content-Disposition"]
    assert api.get(links[1]["url"].rstrip("/")).status_code == 200


def test_download_is_404_when_order_refunded_by_owner(api, catalog, paid):
    url = _media_files(api, paid)[0]["url"]
    assert api.get(url).status_code == 200
    assert client_for(catalog.owner).post(f"/stores/orders/{paid.pk}/refund/").status_code == 200
    response = api.get(url)
    assert response.status_code == 404 and response.json()["code"] == "download_link_invalid"
    assert _media_files(api, paid) == []


def test_download_is_404_when_order_unpaid_or_cancelled(api, catalog):
    order = place(api, (catalog.album, 1))
    line = OrderLine.objects.get(order=order)
    url = album_file_link(line=line, media_file=catalog.tracks[0]).path
    assert api.get(url).status_code == 404
    assert client_for(catalog.owner).post(f"/stores/orders/{order.pk}/cancel/").status_code == 200
    response = api.get(url)
    assert response.status_code == 404 and response.json()["code"] == "download_link_invalid"


def test_download_is_404_when_token_altered_to_name_another_file(api, catalog, paid):
    payload, signature = _token(_media_files(api, paid)[0]["url"]).split(":")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["file"] = catalog.tracks[1].pk.hex
    altered = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).decode().rstrip("=")
    response = api.get(f"/stores/media/download/{altered}:{signature}/")
    assert response.status_code == 404 and response.json()["code"] == "download_link_invalid"


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
    lambda token: "x" + token,
    lambda token: "not-a-token",
])
def test_download_is_404_when_link_tampered(api, paid, tamper):
    token = _token(_media_files(api, paid)[0]["url"])
    response = api.get(f"/stores/media/download/{tamper(token)}/")
    assert response.status_code == 404 and response.json()["code"] == "download_link_invalid"


def test_download_is_404_when_file_is_not_in_the_line_album(api, paid):
    line = OrderLine.objects.get(order=paid)
    stranger = MediaFileFactory(title="Another album's track")
    response = api.get(album_file_link(line=line, media_file=stranger).path)
    assert response.status_code == 404 and response.json()["code"] == "download_link_invalid"


def test_download_is_404_when_link_names_only_the_file(api, catalog, paid):
    token = signing.TimestampSigner(salt="stores.media_file.download").sign_object(
        {"media_file": str(catalog.tracks[0].pk), "ttl": 3600})
    assert api.get(f"/stores/media/download/{token}/").status_code == 404


def test_download_is_404_when_link_signed_with_another_key(api, paid, settings):
    url = _media_files(api, paid)[0]["url"]
    settings.SECRET_KEY = "another-secret-key-that-is-long-enough-for-signing"
    assert api.get(url).status_code == 404


def test_download_is_404_when_file_deleted(api, catalog, paid):
    url = _media_files(api, paid)[0]["url"]
    catalog.tracks[0].delete()
    assert api.get(url).status_code == 404


def test_download_is_410_when_link_expired(api, paid, monkeypatch):
    link = _media_files(api, paid)[0]
    expires_at = datetime.fromisoformat(link["expires_at"]).timestamp()
    _at(monkeypatch, expires_at - 1)
    assert api.get(link["url"]).status_code == 200
    _at(monkeypatch, expires_at + 1)
    response = api.get(link["url"])
    assert response.status_code == 410 and response.json()["code"] == "download_link_expired"


def test_link_lifetime_follows_the_setting_when_changed(api, paid, settings, monkeypatch):
    settings.ALBUM_DOWNLOAD_LINK_TTL = timedelta(minutes=5)
    link = _media_files(api, paid)[0]
    expires_at = datetime.fromisoformat(link["expires_at"]).timestamp()
    assert 5 * 60 <= expires_at - time.time() <= 24 * 3600 + 5 * 60
    _at(monkeypatch, expires_at + 1)
    assert api.get(link["url"]).status_code == 410


def test_links_stay_the_same_when_order_read_again_the_same_day(api, paid, monkeypatch):
    morning = (time.time() // 86400) * 86400 + 8 * 3600
    _at(monkeypatch, morning)
    first = _media_files(api, paid)
    _at(monkeypatch, morning + 10 * 3600)
    second = _media_files(api, paid)
    assert [link["url"] for link in first] == [link["url"] for link in second]
    assert first[0]["url"] != first[1]["url"]


def test_links_differ_when_another_line_buys_the_same_album(api, catalog, paid):
    other = pay(place(api, (catalog.album, 1)), reference="PAY-2")
    assert _media_files(api, paid)[0]["url"] != _media_files(api, other)[0]["url"]
