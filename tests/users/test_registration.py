import pytest

from tests.factories import UserFactory
from tests.users.helpers import code_from_mail
from users.models import User

pytestmark = pytest.mark.django_db

VALID = {
    "email": "Jane.Doe@Example.com",
    "password": "Strong-pass-2026",
    "confirm_password": "Strong-pass-2026",
    "first_name": "Jane",
    "last_name": "Doe",
    "phone_number": "+254720111222",
}


def test_register_creates_unverified_user_and_emails_code(api, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/users/user/", VALID)
    assert response.status_code == 201, response.data
    body = response.json()
    assert set(body) == {"id", "first_name", "last_name", "phone_number", "email", "profile_photo",
                         "groups", "roles", "is_verified"}
    assert body["email"] == "jane.doe@example.com"
    assert body["is_verified"] is False
    assert body["phone_number"] == "+254720111222"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["jane.doe@example.com"]
    assert len(code_from_mail(mailoutbox[0])) == 5


def test_register_works_without_trailing_slash(api):
    response = api.post("/users/user", VALID)
    assert response.status_code == 201


@pytest.mark.parametrize("field", ["email", "password", "confirm_password"])
def test_register_refused_when_required_field_missing(api, field):
    body = {k: v for k, v in VALID.items() if k != field}
    response = api.post("/users/user/", body)
    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"confirm_password": "Other-pass-2026"}, "confirm_password"),
        ({"email": "not-an-email"}, "email"),
        ({"phone_number": "0720111222"}, "phone_number"),
        ({"phone_number": "+25472"}, "phone_number"),
        ({"password": "12345678", "confirm_password": "12345678"}, "password"),
        ({"password": "short", "confirm_password": "short"}, "password"),
    ],
)
def test_register_refused_when_input_bad(api, changes, field):
    response = api.post("/users/user/", {**VALID, **changes})
    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.exists()


def test_register_refused_when_email_taken_in_any_case(api, mailoutbox):
    UserFactory(email="jane.doe@example.com")
    response = api.post("/users/user/", {**VALID, "email": "JANE.DOE@EXAMPLE.COM"})
    assert response.status_code == 400
    assert "email" in response.json()
    assert User.objects.count() == 1
    assert mailoutbox == []
