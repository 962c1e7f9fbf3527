import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _png(size=(10, 10)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


def test_user_roles_listed_for_anyone(api):
    for path in ("/users/user/user_roles/", "/users/user/user_roles"):
        response = api.get(path)
        assert response.status_code == 200
        assert response.json() == ["store_owner", "store_agent", "super_admin"]


def test_list_requires_authentication(api):
    assert api.get("/users/user/").status_code == 401


def test_list_shows_only_self_to_ordinary_user(user):
    UserFactory.create_batch(3)
    body = client_for(user).get("/users/user/").json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == str(user.id)


def test_list_shows_everyone_paginated_to_super_admin(super_admin):
    UserFactory.create_batch(4)
    body = client_for(super_admin).get("/users/user/?page_size=2").json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"] is not None


def test_retrieve_other_user_is_404_but_self_and_super_admin_see_it(user, super_admin):
    other = UserFactory()
    assert client_for(user).get(f"/users/user/{other.id}/").status_code == 404
    assert client_for(user).get(f"/users/user/{user.id}").status_code == 200
    response = client_for(super_admin).get(f"/users/user/{other.id}/")
    assert response.status_code == 200
    assert response.json()["email"] == other.email


def test_self_update_changes_profile_but_not_email_or_groups(user):
    owner_group = Group.objects.get(name="store_owner")
    response = client_for(user).patch(
        f"/users/user/{user.id}/",
        {"first_name": "Akinyi", "phone_number": "+256772123456", "email": "new@example.com", "groups": [owner_group.id]},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.first_name, user.phone_number) == ("Akinyi", "+256772123456")
    assert user.email != "new@example.com"
    assert not user.groups.exists()


def test_update_other_user_is_404(user):
    other = UserFactory(first_name="Before")
    assert client_for(user).patch(f"/users/user/{other.id}/", {"first_name": "After"}).status_code == 404
    other.refresh_from_db()
    assert other.first_name == "Before"


def test_super_admin_can_change_email_and_groups(super_admin):
    other = UserFactory()
    owner_group = Group.objects.get(name="store_owner")
    response = client_for(super_admin).patch(
        f"/users/user/{other.id}/", {"email": "changed@example.com", "groups": [owner_group.id]}
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["store_owner"]
    other.refresh_from_db()
    assert other.email == "changed@example.com"


def test_update_refused_when_phone_not_e164(user):
    response = client_for(user).patch(f"/users/user/{user.id}/", {"phone_number": "0720111222"})
    assert response.status_code == 400
    assert "phone_number" in response.json()


def test_profile_photo_upload_accepts_image(user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(user).patch(f"/users/user/{user.id}/", {"profile_photo": _png()}, format="multipart")
    assert response.status_code == 200
    assert response.json()["profile_photo"].endswith(".png")


def test_profile_photo_refused_when_not_an_image_or_too_large(user, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client_for(user).patch(f"/users/user/{user.id}/", {"profile_photo": fake}, format="multipart")
    assert response.status_code == 400 and "profile_photo" in response.json()
    monkeypatch.setattr("users.api.serializers.PHOTO_MAX_BYTES", 10)
    response = client_for(user).patch(f"/users/user/{user.id}/", {"profile_photo": _png()}, format="multipart")
    assert response.status_code == 400 and "profile_photo" in response.json()


def test_super_admin_cannot_give_a_user_another_users_email_in_other_case(super_admin):
    taken = UserFactory(email="taken@example.com")
    other = UserFactory()
    response = client_for(super_admin).patch(f"/users/user/{other.id}/", {"email": "TAKEN@example.com"})
    assert response.status_code == 400 and "email" in response.json()
    response = client_for(super_admin).patch(f"/users/user/{other.id}/", {"email": "New.Address@Example.com"})
    assert response.json()["email"] == "new.address@example.com"
    assert taken.email == "taken@example.com"
