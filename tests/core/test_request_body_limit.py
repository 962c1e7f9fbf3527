"""A request body larger than its route allows is answered 413 before any of it is read, on every
route; multipart uploads and sold album files have their own larger limits."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import client_for
from tests.factories.stores import AlbumFactory
from tests.routes import api_routes, sample_path

ROUTES = {route.name: route for route in api_routes()}


class UnreadableBody:
    """wsgi.input of a body that must not be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _send(client, method, path, *, length: int, content_type="application/json"):
    return client.generic(method, path, b"", content_type=content_type,
                          CONTENT_LENGTH=str(length), **{"wsgi.input": UnreadableBody()})


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_body_over_the_limit_answered_413_unread_when_any_route_receives_it(api, settings, name):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    settings.REQUEST_BODY_MAX_BYTES_BY_ROUTE = {}
    route = ROUTES[name]
    method = next((method for method in route.methods if method != "GET"), "GET")
    response = _send(api, method, sample_path(route), length=1001)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1000 bytes.", "code": "body_too_large",
                               "max_bytes": 1000}


@pytest.mark.django_db
def test_body_at_the_limit_reaches_the_view(api, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    body = '{"email": "nobody@example.com", "password": "%s"}'
    body = body % ("x" * (1000 - len(body % "")))
    assert len(body) == 1000
    response = api.generic("POST", "/users/token/", body, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.django_db
def test_album_file_upload_larger_than_the_api_limit_accepted_when_under_its_own(settings, owner, store):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    settings.UPLOAD_BODY_MAX_BYTES = 1000
    album = AlbumFactory(store=store)
    client = client_for(owner)
    path = f"/stores/album/{album.pk}/media_files/"
    upload = SimpleUploadedFile("track.mp3", b"\xff\xfb" * 2000, content_type="audio/mpeg")
    response = client.post(path, {"file": upload, "title": "Track"}, format="multipart")
    assert response.status_code == 201, response.content

    settings.REQUEST_BODY_MAX_BYTES_BY_ROUTE = {"album-media-file-list": 3000}
    assert _send(client, "POST", path, length=3001, content_type="multipart/form-data; boundary=x").status_code == 413


@pytest.mark.django_db
def test_multipart_upload_gets_the_upload_limit_when_the_api_limit_is_smaller(settings, owner, store):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    settings.UPLOAD_BODY_MAX_BYTES = 5000
    client = client_for(owner)
    multipart = "multipart/form-data; boundary=x"
    assert _send(client, "POST", "/stores/event/", length=5001, content_type=multipart).status_code == 413
    assert _send(client, "POST", "/stores/event/", length=1001).status_code == 413  # JSON: the API's limit
    poster = SimpleUploadedFile("poster.png", b"\x89PNG" + b"0" * 2000, content_type="image/png")
    response = client.post("/stores/event/", {"name": "Gig", "poster": poster}, format="multipart")
    assert response.status_code != 413
