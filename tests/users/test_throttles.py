"""Account endpoints are limited per account named in the request and per client address; neither
limit yields to a made-up X-Forwarded-For (the server faces clients directly: NUM_PROXIES is 0)."""
import pytest

from tests.factories import UserFactory
from tests.factories.users import PASSWORD
from tests.users.helpers import throttle_rates

pytestmark = pytest.mark.django_db

STRONG = "Strong-pass-2026"


def _forwarded(n: int) -> dict:
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n % 250}, 203.0.113.{n % 250}"}


def _throttled(response) -> bool:
    if response.status_code != 429:
        return False
    assert response.data["detail"].code == "throttled"
    assert int(response["Retry-After"]) > 0
    return True


def test_login_throttled_per_account_when_each_guess_claims_a_new_address(api):
    UserFactory(email="victim@example.com")
    statuses = [api.post("/users/token/", {"email": "victim@example.com", "password": f"guess-{n}"},
                         **_forwarded(n)) for n in range(50)]
    first_throttled = next(n for n, response in enumerate(statuses) if _throttled(response))
    assert first_throttled < 49
    assert {response.status_code for response in statuses[:first_throttled]} == {401}
    right = api.post("/users/token/", {"email": "victim@example.com", "password": PASSWORD}, **_forwarded(99))
    assert _throttled(right)


def test_login_throttle_counts_one_mailbox_when_email_spelled_differently(api, settings):
    throttle_rates(settings, login="3/3650d")
    UserFactory(email="victim@gmail.com")
    spellings = ["victim@gmail.com", "Victim@Gmail.com", "vic.tim+1@gmail.com", " VICTIM@gmail.com "]
    statuses = [api.post("/users/token/", {"email": email, "password": "guess"}).status_code for email in spellings]
    assert statuses == [401, 401, 401, 429]


def test_honest_user_logs_in_when_another_account_is_throttled_from_the_same_address(api):
    UserFactory(email="victim@example.com")
    UserFactory(email="neighbour@example.com")
    for n in range(25):
        api.post("/users/token/", {"email": "victim@example.com", "password": f"guess-{n}"})
    assert _throttled(api.post("/users/token/", {"email": "victim@example.com", "password": "guess"}))
    response = api.post("/users/token/", {"email": "neighbour@example.com", "password": PASSWORD})
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_login_throttled_per_address_when_many_accounts_tried(api, settings):
    throttle_rates(settings, login_address="5/3650d")
    statuses = [api.post("/users/token/", {"email": f"user{n}@example.com", "password": "guess"},
                         **_forwarded(n)).status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]


def test_other_address_unaffected_when_one_address_throttled(settings):
    from rest_framework.test import APIClient

    throttle_rates(settings, login_address="2/3650d")
    UserFactory(email="user@example.com")
    here, elsewhere = APIClient(REMOTE_ADDR="192.0.2.1"), APIClient(REMOTE_ADDR="192.0.2.2")
    for _ in range(2):
        here.post("/users/token/", {"email": "nobody@example.com", "password": "guess"})
    assert here.post("/users/token/", {"email": "user@example.com", "password": PASSWORD}).status_code == 429
    assert elsewhere.post("/users/token/", {"email": "user@example.com", "password": PASSWORD}).status_code == 200


def test_token_refresh_throttled_per_address_when_new_address_claimed(api, settings):
    throttle_rates(settings, token_refresh_address="2/3650d")
    statuses = [api.post("/users/token/refresh/", {"refresh": "not-a-token"}, **_forwarded(n)).status_code
                for n in range(3)]
    assert statuses == [401, 401, 429]


def _registration(email: str) -> dict:
    return {"email": email, "password": STRONG, "confirm_password": STRONG}


def test_registration_throttled_per_email_when_each_request_claims_a_new_address(api, settings):
    throttle_rates(settings, registration="2/3650d")
    emails = ["jane@example.com", "Jane+again@Example.com", "jane@example.com"]
    responses = [api.post("/users/user/", _registration(email), **_forwarded(n)) for n, email in enumerate(emails)]
    assert [r.status_code for r in responses] == [201, 201, 429]  # a plus-tag reaches the same mailbox
    assert _throttled(responses[2])
    assert api.post("/users/user/", _registration("other@example.com")).status_code == 201


def test_registration_throttled_per_address_when_emails_differ(api, settings):
    throttle_rates(settings, registration_address="3/3650d")
    responses = [api.post("/users/user/", _registration(f"new{n}@example.com"), **_forwarded(n)) for n in range(4)]
    assert [r.status_code for r in responses] == [201, 201, 201, 429]
    assert _throttled(responses[3])


@pytest.mark.parametrize("path, body, scope", [
    ("/users/verification/", {"email": "a@example.com", "code": "12345"}, "verification"),
    ("/users/password/reset/confirm/", {"email": "a@example.com", "code": "12345", "password": STRONG,
                                        "confirm_password": STRONG}, "password_reset_confirm"),
])
def test_code_endpoints_throttled_per_email_when_each_guess_claims_a_new_address(api, settings, path, body, scope):
    throttle_rates(settings, **{scope: "2/3650d"})
    UserFactory(email="a@example.com", is_verified=False)  # a code to guess on either endpoint
    statuses = [api.post(path, body, **_forwarded(n)).status_code for n in range(3)]
    assert statuses == [400, 400, 429]


@pytest.mark.parametrize("path, scope", [
    ("/users/verification/resend/", "verification_resend"),
    ("/users/password/reset/", "password_reset"),
])
def test_code_requests_throttled_per_email_when_each_claims_a_new_address(api, settings, path, scope):
    throttle_rates(settings, **{scope: "2/3650d"})
    settings.VERIFICATION_RESEND_INTERVAL = settings.VERIFICATION_RESEND_INTERVAL * 0
    statuses = [api.post(path, {"email": "a@example.com"}, **_forwarded(n)).status_code for n in range(3)]
    assert statuses == [200, 200, 429]


@pytest.mark.parametrize("path, body, scope", [
    ("/users/verification/", {"email": "x@example.com", "code": "12345"}, "verification_address"),
    ("/users/verification/resend/", {"email": "x@example.com"}, "verification_resend_address"),
    ("/users/password/reset/", {"email": "x@example.com"}, "password_reset_address"),
    ("/users/password/reset/confirm/", {"email": "x@example.com", "code": "12345", "password": STRONG,
                                        "confirm_password": STRONG}, "password_reset_confirm_address"),
])
def test_code_endpoints_throttled_per_address_when_emails_differ(api, settings, path, body, scope):
    throttle_rates(settings, **{scope: "2/3650d"})
    statuses = [api.post(path, {**body, "email": f"x{n}@example.com"}, **_forwarded(n)).status_code for n in range(3)]
    assert statuses[2] == 429
    assert 429 not in statuses[:2]
