import pytest

from stores.models import Album
from tests.conftest import client_for
from tests.factories.stores import AlbumFactory, CategoryFactory, MediaFileFactory, MediaTypeFactory

pytestmark = pytest.mark.django_db

ALBUM_FIELDS = {"id", "name", "description", "store", "category", "category_name", "media_type", "media_type_name",
                "authors", "thumbnail", "prices", "is_published", "media_files"}


def album_body(store, **overrides):
    body = {"name": "Currency track", "store": str(store.id), "media_type": str(MediaTypeFactory().id),
            "category": str(CategoryFactory(name="HipHop").id), "authors": ["mtiaji"],
            "description": "<p>Awesome</p>", "prices": {"KES": "800.00", "USD": "6.50"}, "is_published": True}
    body.update(overrides)
    return body


def test_create_album_answered_with_every_field_when_valid(owner, store):
    response = client_for(owner).post("/stores/album/", album_body(store), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) >= ALBUM_FIELDS
    assert (data["category_name"], data["media_type_name"], data["authors"]) == ("HipHop", "ALBUM", ["mtiaji"])
    assert data["prices"] == {"KES": "800.00", "USD": "6.50"}
    assert data["media_files"] == []
    assert Album.objects.get().store == store


@pytest.mark.parametrize("prices", [{"XYZ": "1.00", "KES": "1.00"}, {"KES": "-1.00"}, {"KES": "1.001"},
                                   {"USD": "5.00"}])
def test_create_album_rejected_naming_prices_when_invalid(owner, store, prices):
    response = client_for(owner).post("/stores/album/", album_body(store, prices=prices), format="json")
    assert response.status_code == 400
    assert "prices" in response.json()
    assert not Album.objects.exists()


@pytest.mark.parametrize("missing", ["name", "store", "media_type"])
def test_create_album_rejected_naming_field_when_required_field_missing(owner, store, missing):
    body = album_body(store)
    del body[missing]
    response = client_for(owner).post("/stores/album/", body, format="json")
    assert response.status_code == 400
    assert missing in response.json()
    assert not Album.objects.exists()


def test_create_album_rejected_naming_store_when_store_belongs_to_another_owner(owner, other_owner):
    response = client_for(owner).post("/stores/album/", album_body(other_owner.owned_stores.get()), format="json")
    assert response.status_code == 400
    assert "store" in response.json()
    assert not Album.objects.exists()


def test_update_album_rejected_naming_store_when_moved_to_another_store(owner, store, other_owner):
    album = AlbumFactory(store=store)
    response = client_for(owner).patch(f"/stores/album/{album.id}/", {"store": str(other_owner.owned_stores.get().id)})
    assert response.status_code == 400
    album.refresh_from_db()
    assert album.store == store


def test_album_lists_its_media_files_without_any_file_url(api, store):
    album = AlbumFactory(store=store, is_published=True)
    MediaFileFactory(album=album, title="Intro")
    data = api.get(f"/stores/album/{album.id}/").json()
    assert [m["title"] for m in data["media_files"]] == ["Intro"]
    assert set(data["media_files"][0]) == {"id", "album", "title", "content_type", "size", "position", "created"}
    assert "private_media" not in str(data) and "track" not in str(data)


def test_album_list_filtered_when_media_type_name_given(owner, store):
    wanted = AlbumFactory(store=store, media_type=MediaTypeFactory(name="EBOOK"))
    AlbumFactory(store=store)
    body = client_for(owner).get("/stores/album/", {"media_type_name": "ebook"}).json()
    assert [a["id"] for a in body["results"]] == [str(wanted.id)]
