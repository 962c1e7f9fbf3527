import pytest

from tests.factories import UserFactory
from tests.factories.users import PASSWORD

pytestmark = pytest.mark.django_db


def test_token_issued_when_verified_credentials_given_in_any_case(api):
    UserFactory(email="otieno@example.com")
    response = api.post("/users/token/", {"email": "Otieno@Example.COM", "password": PASSWORD})
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    me = api.get("/users/user/", HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert me.status_code == 200
    assert [u["email"] for u in me.json()["results"]] == ["otieno@example.com"]


def test_token_refused_when_account_unverified(api):
    UserFactory(email="new@example.com", is_verified=False)
    response = api.post("/users/token", {"email": "new@example.com", "password": PASSWORD})
    assert response.status_code == 401
    assert "not verified" in response.json()["detail"]


@pytest.mark.parametrize("attrs, password", [({}, "wrong-password"), ({"is_active": False}, PASSWORD)])
def test_token_refused_when_password_wrong_or_account_inactive(api, attrs, password):
    UserFactory(email="x@example.com", **attrs)
    response = api.post("/users/token/", {"email": "x@example.com", "password": password})
    assert response.status_code == 401
    assert "detail" in response.json()


def test_token_refused_when_fields_missing(api):
    response = api.post("/users/token/", {})
    assert response.status_code == 400
    assert {"email", "password"} <= set(response.json())


def test_refresh_rotates_and_blacklists_old_token(api):
    UserFactory(email="r@example.com")
    refresh = api.post("/users/token/", {"email": "r@example.com", "password": PASSWORD}).json()["refresh"]
    rotated = api.post("/users/token/refresh/", {"refresh": refresh})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != refresh
    replay = api.post("/users/token/refresh/", {"refresh": refresh})
    assert replay.status_code == 401
