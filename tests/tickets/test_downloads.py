"""Album buyers download through signed links that expire, and only once (and while) the order is paid."""
import time

import pytest

from orders.services import order_refund
from tests.tickets.conftest import pay, place

pytestmark = pytest.mark.django_db


def _media_files(api, order):
    return api.get(f"/stores/orders/{order.pk}/").json()["order_detail"][0]["media_files"]


def test_no_download_links_when_order_unpaid(api, catalog):
    order = place(api, (catalog.album, 1))
    assert _media_files(api, order) == []
    order.refresh_from_db()
    assert order.status == "PENDING"


def test_download_links_granted_when_paid_and_withdrawn_when_refunded(api, catalog):
    order = pay(place(api, (catalog.album, 1)))
    links = _media_files(api, order)
    assert [link["title"] for link in links] == ["Intro", "Outro"] and all(link["expires_at"] for link in links)
    assert api.get(links[1]["url"]).status_code == 200
    order_refund(order_id=order.pk)
    assert _media_files(api, order) == []


def test_download_link_refused_once_expired(api, catalog, settings, monkeypatch):
    order = pay(place(api, (catalog.album, 1)))
    url = _media_files(api, order)[0]["url"]
    lifetime = settings.ALBUM_DOWNLOAD_LINK_TTL.total_seconds()
    later = time.time() + lifetime + 1
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = api.get(url)
    assert response.status_code == 410 and response.json()["code"] == "download_link_expired"


def test_link_lifetime_follows_the_setting(api, catalog, settings, monkeypatch):
    from datetime import timedelta

    settings.ALBUM_DOWNLOAD_LINK_TTL = timedelta(minutes=5)
    order = pay(place(api, (catalog.album, 1)))
    url = _media_files(api, order)[0]["url"]
    later = time.time() + 6 * 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert api.get(url).status_code == 410
