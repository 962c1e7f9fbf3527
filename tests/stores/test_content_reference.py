"""Media types (ALBUM, TRACK, EBOOK from the migrations) and content categories: anyone reads them,
only super admins write them; one in use by an album cannot be deleted."""
import pytest

from stores.models import Album, Category, MediaType
from tests.conftest import client_for
from tests.factories.stores import AlbumFactory, CategoryFactory, MediaTypeFactory

pytestmark = pytest.mark.django_db

PATHS = {"media_type": "/stores/media_type/", "category": "/stores/category/"}
MODELS = {"media_type": MediaType, "category": Category}
ROLES = ["anonymous", "owner", "other_owner", "agent", "super_admin"]


def existing(kind, name="EXISTING"):
    return MediaTypeFactory(name=name) if kind == "media_type" else CategoryFactory(name=name)


def test_owner_creates_album_with_the_album_media_type_when_the_database_is_fresh(api, owner, store):
    listed = {row["name"]: row["id"] for row in api.get("/stores/media_type/").json()["results"]}
    assert {"ALBUM", "TRACK", "EBOOK"} <= set(listed)
    body = {"name": "Currency track", "store": str(store.id), "media_type": listed["ALBUM"],
            "prices": {"KES": "800.00"}}
    response = client_for(owner).post("/stores/album/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["media_type_name"] == "ALBUM"


@pytest.mark.parametrize("kind", PATHS)
def test_reference_created_changed_and_deleted_when_super_admin(super_admin, kind):
    client, path = client_for(super_admin), PATHS[kind]
    created = client.post(path, {"name": "AUDIOBOOK"}, format="json")
    assert created.status_code == 201, created.content
    item_path = f"{path}{created.json()['id']}/"
    changed = client.patch(item_path, {"name": "PODCAST"}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "PODCAST"
    assert client.get(item_path).json()["name"] == "PODCAST"
    assert client.delete(item_path).status_code == 204
    assert not MODELS[kind].objects.filter(name__in=["AUDIOBOOK", "PODCAST"]).exists()


@pytest.mark.parametrize("kind", PATHS)
@pytest.mark.parametrize("role", ["anonymous", "owner", "other_owner", "agent"])
def test_reference_write_refused_when_not_super_admin(clients, role, kind):
    path, item = PATHS[kind], existing(kind)
    expected = 401 if role == "anonymous" else 403
    responses = [clients[role].post(path, {"name": "NEW"}, format="json"),
                 clients[role].patch(f"{path}{item.id}/", {"name": "CHANGED"}, format="json"),
                 clients[role].delete(f"{path}{item.id}/")]
    assert [response.status_code for response in responses] == [expected] * 3
    if expected == 403:
        assert {response.json()["code"] for response in responses} == {"permission_denied"}
    assert list(MODELS[kind].objects.filter(name__in=["NEW", "CHANGED", "EXISTING"]).values_list("name", flat=True)) \
        == ["EXISTING"]


@pytest.mark.parametrize("kind", PATHS)
@pytest.mark.parametrize("role", ROLES)
def test_reference_readable_when_any_role(clients, role, kind):
    item = existing(kind)
    assert clients[role].get(PATHS[kind]).status_code == 200
    assert clients[role].get(f"{PATHS[kind]}{item.id}/").json()["name"] == "EXISTING"


@pytest.mark.parametrize("kind", PATHS)
def test_reference_delete_answers_409_in_use_when_an_album_uses_it(super_admin, store, kind):
    item = existing(kind)
    AlbumFactory(store=store, **{kind: item})
    response = client_for(super_admin).delete(f"{PATHS[kind]}{item.id}/")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "in_use"
    assert MODELS[kind].objects.filter(pk=item.pk).exists() and Album.objects.exists()


@pytest.mark.parametrize("kind", PATHS)
def test_reference_create_refused_naming_name_when_taken_in_another_case(super_admin, kind):
    existing(kind, name="EBOOK")
    response = client_for(super_admin).post(PATHS[kind], {"name": "ebook"}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    assert MODELS[kind].objects.filter(name__iexact="ebook").count() == 1
