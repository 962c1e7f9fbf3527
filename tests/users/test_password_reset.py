from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.factories import UserFactory
from tests.factories.users import PASSWORD
from tests.users.helpers import code_from_mail
from users.models import User

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
    refresh = api.post("/users/token/", {"email": "wanjiku@example.com", "password": PASSWORD}).json()["refresh"]
    api.post("/users/password/reset/confirm/",
             {"email": "wanjiku@example.com", "code": reset_code, "password": NEW, "confirm_password": NEW})
    assert api.post("/users/token/refresh/", {"refresh": refresh}).status_code == 401


REFUSAL = {"code": ["The code is wrong or has expired."]}


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 100000:05d}"


def _me(api, access: str):
    return api.get("/users/user/", HTTP_AUTHORIZATION=f"Bearer {access}")


def test_access_tokens_refused_when_issued_before_password_reset(api, reset_code):
    signed_in = api.post("/users/token/", {"email": "wanjiku@example.com", "password": PASSWORD}).json()["access"]
    minted = str(RefreshToken.for_user(User.objects.get(email="wanjiku@example.com")).access_token)
    assert _me(api, signed_in).status_code == 200 and _me(api, minted).status_code == 200
    assert api.post("/users/password/reset/confirm/", {"email": "wanjiku@example.com", "code": reset_code,
                                                       "password": NEW, "confirm_password": NEW}).status_code == 200
    for access in (signed_in, minted):
        response = _me(api, access)
        assert response.status_code == 401
        assert response.data["detail"].code == "token_revoked"
    fresh = api.post("/users/token/", {"email": "wanjiku@example.com", "password": NEW}).json()["access"]
    assert _me(api, fresh).status_code == 200


def test_token_refused_when_issued_earlier_in_the_same_second_as_the_reset(api):
    UserFactory(email="kamau@example.com")
    before = api.post("/users/token/", {"email": "kamau@example.com", "password": PASSWORD}).json()["access"]
    signed_in_at = datetime.fromtimestamp(AccessToken(before)["auth_time"], tz=dt_timezone.utc)
    # The sessions end a microsecond after this sign-in, as a reset that follows it at once would end them.
    User.objects.filter(email="kamau@example.com").update(tokens_valid_after=signed_in_at + timedelta(microseconds=1))
    assert _me(api, before).status_code == 401
    after = api.post("/users/token/", {"email": "kamau@example.com", "password": PASSWORD}).json()["access"]
    assert AccessToken(after)["iat"] - AccessToken(before)["iat"] <= 1  # same or next whole second
    assert _me(api, after).status_code == 200


def test_password_errors_shown_only_when_code_right(api, reset_code):
    weak = {"password": "password", "confirm_password": "password"}
    wrong = {**weak, "code": _wrong(reset_code)}
    real = api.post("/users/password/reset/confirm/", {**wrong, "email": "wanjiku@example.com"})
    unknown = api.post("/users/password/reset/confirm/", {**wrong, "email": "ghost@example.com"})
    assert (real.status_code, real.json()) == (unknown.status_code, unknown.json()) == (400, REFUSAL)
    right = api.post("/users/password/reset/confirm/", {**weak, "code": reset_code, "email": "wanjiku@example.com"})
    assert right.status_code == 400 and set(right.json()) == {"password"}
    strong = api.post("/users/password/reset/confirm/", {"email": "wanjiku@example.com", "code": reset_code,
                                                         "password": NEW, "confirm_password": NEW})
    assert strong.status_code == 200  # a refused password does not use the code up
