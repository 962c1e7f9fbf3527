from datetime import timedelta

import pytest
from django.utils import timezone

from tests.users.helpers import code_from_mail
from users.models import OneTimeCode, User

pytestmark = pytest.mark.django_db

REGISTRATION = {"email": "amina@example.com", "password": "Strong-pass-2026", "confirm_password": "Strong-pass-2026"}


@pytest.fixture
def registered(api, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/users/user/", REGISTRATION).status_code == 201
    return code_from_mail(mailoutbox[-1])


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 100000:05d}"


def test_verify_marks_account_verified_when_code_right(api, registered):
    response = api.post("/users/verification/", {"email": "AMINA@example.com", "code": registered})
    assert response.status_code == 200
    assert response.json() == {"message": ["Account verified successfully"]}
    assert User.objects.get(email="amina@example.com").is_verified


def test_verify_refused_when_code_wrong(api, registered):
    response = api.post("/users/verification/", {"email": "amina@example.com", "code": _wrong(registered)})
    assert response.status_code == 400
    assert "code" in response.json()
    assert not User.objects.get(email="amina@example.com").is_verified


def test_verify_refused_when_code_malformed_or_missing(api, registered):
    assert "code" in api.post("/users/verification/", {"email": "amina@example.com", "code": "12ab"}).json()
    response = api.post("/users/verification/", {"code": registered})
    assert response.status_code == 400 and "email" in response.json()


def test_verify_burns_code_after_five_wrong_tries(api, registered):
    for _ in range(5):
        assert api.post("/users/verification/", {"email": "amina@example.com", "code": _wrong(registered)}).status_code == 400
    response = api.post("/users/verification/", {"email": "amina@example.com", "code": registered})
    assert response.status_code == 400
    assert "code" in response.json()
    assert not User.objects.get(email="amina@example.com").is_verified


def test_verify_refused_when_code_expired(api, registered):
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.post("/users/verification/", {"email": "amina@example.com", "code": registered})
    assert response.status_code == 400
    assert "code" in response.json()


def test_verify_refused_when_email_unknown(api, registered):
    response = api.post("/users/verification/", {"email": "nobody@example.com", "code": registered})
    assert response.status_code == 400
    assert "code" in response.json()


def test_resend_sends_new_code_and_old_one_stops_working(api, registered, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/users/verification/resend/", {"email": "amina@example.com"})
    assert response.status_code == 200
    new_code = code_from_mail(mailoutbox[-1])
    assert len(mailoutbox) == 2
    if new_code != registered:
        assert api.post("/users/verification/", {"email": "amina@example.com", "code": registered}).status_code == 400
    assert api.post("/users/verification/", {"email": "amina@example.com", "code": new_code}).status_code == 200


def test_resend_answers_alike_when_email_unknown(api, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/users/verification/resend/", {"email": "ghost@example.com"})
    assert response.status_code == 200
    assert mailoutbox == []


def test_resend_limited_to_one_per_minute_per_email(api, registered, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/users/verification/resend/", {"email": "amina@example.com"}).status_code == 200
        second = api.post("/users/verification/resend/", {"email": "amina@example.com"})
        unknown_second = [api.post("/users/verification/resend/", {"email": "x@example.com"}) for _ in range(2)][1]
    assert second.status_code == 429
    assert unknown_second.status_code == 429  # unknown emails are limited alike: nothing to enumerate
    assert len(mailoutbox) == 2
