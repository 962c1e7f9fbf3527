"""The permission matrix around one store: anonymous, its owner, another owner, its agent, a super admin.

Unpublished objects are used so that only the store's staff may see them; a write refused leaves
the row as it was.
"""
import pytest

from stores.models import Album, Event, EventCategory, Schedule, Store, StoreType, Ticket
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.stores import (
    AlbumFactory, EventCategoryFactory, EventFactory, MediaFileFactory, ScheduleFactory, StoreTypeFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "other_owner", "agent", "super_admin")
READ = {"anonymous": 404, "owner": 200, "other_owner": 404, "agent": 200, "super_admin": 200}
WRITE = {"anonymous": 401, "owner": 200, "other_owner": 404, "agent": 403, "super_admin": 200}
DELETE = {"anonymous": 401, "owner": 204, "other_owner": 404, "agent": 403, "super_admin": 204}


@pytest.fixture
def objects(store):
    event = EventFactory(store=store, event_name="Before")
    schedule = ScheduleFactory(event=event, title="Before")
    album = AlbumFactory(store=store, name="Before")
    return {
        "event": (event, "/stores/event/", {"event_name": "After"}, "event_name"),
        "tickets": (TicketFactory(event=event, ticket_name="Before"), "/stores/tickets/", {"ticket_name": "After"},
                    "ticket_name"),
        "schedule": (schedule, "/stores/schedule/", {"title": "After"}, "title"),
        "album": (album, "/stores/album/", {"name": "After"}, "name"),
    }


KINDS = ("event", "tickets", "schedule", "album")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_unpublished_object_read_only_by_store_staff_when_fetched_by_id(clients, objects, kind, role):
    obj, path, _, _ = objects[kind]
    assert clients[role].get(f"{path}{obj.id}/").status_code == READ[role]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_unpublished_object_listed_only_for_store_staff_when_listing(clients, objects, kind, role):
    obj, path, _, _ = objects[kind]
    response = clients[role].get(path)
    assert response.status_code == 200
    listed = str(obj.id) in [row["id"] for row in response.json()["results"]]
    assert listed is (READ[role] == 200)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_object_changed_only_by_owner_or_super_admin_when_patched(clients, objects, kind, role):
    obj, path, change, field = objects[kind]
    response = clients[role].patch(f"{path}{obj.id}/", change, format="json")
    assert response.status_code == WRITE[role]
    obj.refresh_from_db()
    assert (getattr(obj, field) == "After") is (WRITE[role] == 200)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_object_deleted_only_by_owner_or_super_admin_when_deleted(clients, objects, kind, role):
    obj, path, _, _ = objects[kind]
    response = clients[role].delete(f"{path}{obj.id}/")
    assert response.status_code == DELETE[role]
    assert type(obj).objects.filter(pk=obj.pk).exists() is (DELETE[role] != 204)


@pytest.mark.parametrize("role", ROLES)
def test_store_seen_and_changed_according_to_role(clients, store, role):
    read = {**READ, "anonymous": 401}
    assert clients[role].get(f"/stores/store/{store.id}/").status_code == read[role]
    response = clients[role].patch(f"/stores/store/{store.id}/", {"store_name": "After"})
    assert response.status_code == WRITE[role]
    store.refresh_from_db()
    assert (store.store_name == "After") is (WRITE[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_store_deleted_only_by_owner_or_super_admin(clients, store, role):
    response = clients[role].delete(f"/stores/store/{store.id}/")
    assert response.status_code == DELETE[role]
    assert Store.objects.filter(pk=store.pk).exists() is (DELETE[role] != 204)


@pytest.mark.parametrize("role", ROLES)
def test_store_list_shows_only_stores_worked_at_when_listing(clients, store, role):
    response = clients[role].get("/stores/store/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    ids = {row["id"] for row in response.json()["results"]}
    assert (str(store.id) in ids) is (READ[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_media_files_managed_by_owner_and_listed_by_staff(clients, store, role):
    media_file = MediaFileFactory(album=AlbumFactory(store=store))
    path = f"/stores/album/{media_file.album_id}/media_files/"
    listing = {**READ, "anonymous": 401}
    assert clients[role].get(path).status_code == listing[role]
    response = clients[role].delete(f"{path}{media_file.id}/")
    assert response.status_code == DELETE[role]
    assert type(media_file).objects.filter(pk=media_file.pk).exists() is (DELETE[role] != 204)


@pytest.mark.parametrize("role", ROLES)
def test_store_type_created_only_by_super_admin(clients, role):
    response = clients[role].post("/stores/store_type/", {"name": "books"})
    expected = {"anonymous": 401, "super_admin": 201}.get(role, 403)
    assert response.status_code == expected
    assert StoreType.objects.filter(name="books").exists() is (expected == 201)


@pytest.mark.parametrize("role", ROLES)
def test_store_types_readable_by_anyone(clients, role):
    StoreTypeFactory(name="music")
    assert clients[role].get("/stores/store_type/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_event_category_changed_only_by_super_admin(clients, role):
    category = EventCategoryFactory(category_name="Before")
    response = clients[role].patch(f"/stores/event_category/{category.id}/", {"category_name": "After"})
    expected = {"anonymous": 401, "super_admin": 200}.get(role, 403)
    assert response.status_code == expected
    category.refresh_from_db()
    assert (category.category_name == "After") is (expected == 200)


def test_event_category_creation_refused_when_user_owns_no_store(db):
    response = client_for(UserFactory()).post("/stores/event_category/", {"category_name": "Talks"})
    assert response.status_code == 403
    assert not EventCategory.objects.exists()


def test_event_category_creation_refused_with_403_when_store_owner(owner, store):
    response = client_for(owner).post("/stores/event_category/", {"category_name": "Talks"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not EventCategory.objects.exists()


@pytest.mark.parametrize("path", ["/stores/event/", "/stores/tickets/", "/stores/schedule/", "/stores/album/"])
def test_create_refused_with_401_when_anonymous(api, path):
    assert api.post(path, {}).status_code == 401
    assert not (Event.objects.exists() or Ticket.objects.exists() or Schedule.objects.exists()
                or Album.objects.exists())
