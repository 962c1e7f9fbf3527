import pytest

from tests.factories import UserFactory
from tests.users.helpers import code_from_mail

pytestmark = pytest.mark.django_db

NEW = "Brand-new-pass-77"


@pytest.fixture
def reset_code(api, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="wanjiku@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/users/password/reset/", {"email": "Wanjiku@example.com"}).status_code == 200
    assert mailoutbox[-1].to == ["wanjiku@example.com"]
    return code_from_mail(mailoutbox[-1])


def test_reset_changes_password_when_code_right(api, reset_code):
    response = api.post("/users/password/reset/confirm/",
                        {"email": "wanjiku@example.com", "code": reset_code, "password": NEW, "confirm_password": NEW})
    assert response.status_code == 200
    assert api.post("/users/token/", {"email": "wanjiku@example.com", "password": NEW}).status_code == 200
    again = api.post("/users/password/reset/confirm/",
                     {"email": "wanjiku@example.com", "code": reset_code, "password": NEW, "confirm_password": NEW})
    assert again.status_code == 400  # a code works once


def test_reset_request_answers_alike_when_email_unknown(api, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/users/password/reset/", {"email": "ghost@example.com"})
    assert response.status_code == 200
    assert mailoutbox == []


@pytest.mark.parametrize("changes, field", [
    ({"code": "00000"}, "code"),
    ({"confirm_password": "Other-pass-99"}, "confirm_password"),
    ({"password": "password", "confirm_password": "password"}, "password"),
    ({"email": "bad"}, "email"),
])
def test_reset_refused_when_input_bad(api, reset_code, changes, field):
    body = {"email": "wanjiku@example.com", "code": reset_code, "password": NEW, "confirm_password": NEW, **changes}
    if field == "code" and reset_code == "00000":
        body["code"] = "00001"
    response = api.post("/users/password/reset/confirm/", body)
    assert response.status_code == 400
    assert field in response.json()
    assert api.post("/users/token/", {"email": "wanjiku@example.com", "password": NEW}).status_code == 401


def test_reset_signs_out_existing_sessions(api, reset_code):
    from tests.factories.users import PASSWORD

    refresh = api.post("/users/token/", {"email": "wanjiku@example.com", "password": PASSWORD}).json()["refresh"]
    api.post("/users/password/reset/confirm/",
             {"email": "wanjiku@example.com", "code": reset_code, "password": NEW, "confirm_password": NEW})
    assert api.post("/users/token/refresh/", {"refresh": refresh}).status_code == 401
