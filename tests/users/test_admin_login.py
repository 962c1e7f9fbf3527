"""The Django admin's sign-in locks an account out from a client address after 5 wrong passwords;
a made-up X-Forwarded-For is not a new address, and the API's sign-in is limited elsewhere."""
import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.factories.users import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def staff():
    return UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)


def _sign_in(client: Client, password: str, *, email: str = "admin@example.com", **headers):
    return client.post(LOGIN, {"username": email, "password": password}, **headers)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session and client.get("/admin/").status_code == 200


def test_right_password_refused_when_five_wrong_ones_came_first(staff):
    client = Client()
    statuses = [_sign_in(client, f"guess-{n}").status_code for n in range(5)]
    assert statuses == [200] * 4 + [429]  # the form again with its error, then the lockout
    response = _sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)


def test_lockout_holds_when_each_attempt_claims_a_new_forwarded_address(staff):
    client = Client()
    for n in range(5):
        _sign_in(client, f"guess-{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert _sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert not _signed_in(client)


def test_lockout_holds_when_email_spelled_differently(staff):
    client = Client()
    for n, email in enumerate(["admin@example.com", "Admin@Example.com", " ADMIN@example.com", "admin@EXAMPLE.com",
                               "aDmin@example.com"]):
        _sign_in(client, f"guess-{n}", email=email)
    assert _sign_in(client, PASSWORD).status_code == 429
    assert not _signed_in(client)


def test_admin_signs_in_from_another_address_when_one_address_locked_out(staff):
    attacker, admin = Client(REMOTE_ADDR="192.0.2.66"), Client(REMOTE_ADDR="192.0.2.10")
    for n in range(6):
        _sign_in(attacker, f"guess-{n}")
    assert _sign_in(attacker, PASSWORD).status_code == 429
    assert _sign_in(admin, PASSWORD).status_code == 302
    assert _signed_in(admin)


def test_admin_lockout_counts_admin_sign_ins_only_when_api_sign_ins_failed_too(api, staff):
    for n in range(10):
        assert api.post("/users/token/", {"email": "admin@example.com", "password": f"guess-{n}"}).status_code == 401
    assert api.post("/users/token/", {"email": "admin@example.com", "password": PASSWORD}).status_code == 200
    client = Client()
    statuses = [_sign_in(client, f"guess-{n}").status_code for n in range(5)]
    assert statuses == [200] * 4 + [429]
