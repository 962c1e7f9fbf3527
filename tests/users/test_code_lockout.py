"""One-time codes cannot be brute-forced: wrong codes are capped per account across codes, and every
refusal looks the same, whether the account exists or not."""
from datetime import timedelta

import pytest
from django.utils import timezone

from mookh.core.errors import InvalidInput
from tests.factories import UserFactory
from tests.users.helpers import code_from_mail
from users.models import OneTimeCode, User
from users.services import user_verify

pytestmark = pytest.mark.django_db

STRONG = "Brand-new-pass-77"
REFUSAL = {"code": ["The code is wrong or has expired."]}


@pytest.fixture(autouse=True)
def _resend_at_once(settings):
    settings.VERIFICATION_RESEND_INTERVAL = timedelta(0)


@pytest.fixture
def mail(mailoutbox, django_capture_on_commit_callbacks):
    """Run a request with its after-commit work (the outbox delivers to mailoutbox)."""
    def run(request, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request(*args, **kwargs)
    return run


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 100000:05d}"


def _verify(api, code: str, email: str = "amina@example.com"):
    return api.post("/users/verification/", {"email": email, "code": code})


def _fresh_code(api, mail, mailoutbox) -> str:
    assert mail(api.post, "/users/verification/resend/", {"email": "amina@example.com"}).status_code == 200
    return code_from_mail(mailoutbox[-1])


def _refused(response) -> bool:
    return response.status_code == 400 and response.json() == REFUSAL


def _guess_wrong(api, mail, mailoutbox, *, guesses: int, per_code: int = 4) -> str:
    """Spread `guesses` wrong guesses over fresh codes; returns the last code mailed."""
    code = _fresh_code(api, mail, mailoutbox)
    for n in range(guesses):
        if n and n % per_code == 0:
            code = _fresh_code(api, mail, mailoutbox)
        assert _refused(mail(_verify, api, _wrong(code)))
    return code


@pytest.fixture
def unverified():
    return UserFactory(email="amina@example.com", first_name="Amina", is_verified=False)


def test_right_code_refused_when_eleven_wrong_codes_spread_over_fresh_codes(api, unverified, mail, mailoutbox):
    last_code = _guess_wrong(api, mail, mailoutbox, guesses=11)
    assert _refused(_verify(api, last_code))
    assert not User.objects.get(pk=unverified.pk).is_verified


def test_no_code_sent_when_account_locked(api, unverified, mail, mailoutbox):
    last_code = _guess_wrong(api, mail, mailoutbox, guesses=10)
    sent = len(mailoutbox)
    assert mail(api.post, "/users/verification/resend/", {"email": "amina@example.com"}).status_code == 200
    assert mail(api.post, "/users/password/reset/", {"email": "amina@example.com"}).status_code == 200
    assert len(mailoutbox) == sent  # every code would be refused: none is sent
    assert _refused(_verify(api, last_code))


def test_owner_told_once_by_email_when_codes_locked(api, unverified, mail, mailoutbox):
    code = _guess_wrong(api, mail, mailoutbox, guesses=10)
    for _ in range(4):
        assert _refused(mail(_verify, api, _wrong(code)))
    notices = [m for m in mailoutbox if m.subject == "Too many wrong codes for your Mookh account"]
    assert len(notices) == 1
    assert notices[0].to == ["amina@example.com"]
    assert "60 minutes" in notices[0].body
    assert "Amina" in notices[0].body


def test_codes_locked_at_the_tenth_wrong_code_not_before(api, unverified, mail, mailoutbox):
    code = _guess_wrong(api, mail, mailoutbox, guesses=9)
    assert mail(api.post, "/users/password/reset/", {"email": "amina@example.com"}).status_code == 200
    assert mailoutbox[-1].subject == "Reset your Mookh password"  # not locked yet: the code is sent
    reset_code = code_from_mail(mailoutbox[-1])
    assert _refused(mail(_verify, api, _wrong(code)))
    response = api.post("/users/password/reset/confirm/", {"email": "amina@example.com", "code": reset_code,
                                                           "password": STRONG, "confirm_password": STRONG})
    assert _refused(response)


def test_codes_accepted_again_when_lock_has_passed(api, unverified, mail, mailoutbox):
    _guess_wrong(api, mail, mailoutbox, guesses=10)
    User.objects.filter(pk=unverified.pk).update(codes_locked_until=timezone.now() - timedelta(seconds=1))
    code = _fresh_code(api, mail, mailoutbox)
    assert _verify(api, code).status_code == 200


def test_password_reset_code_refused_when_verification_guesses_locked_the_account(api, unverified, mail,
                                                                                   mailoutbox):
    assert mail(api.post, "/users/password/reset/", {"email": "amina@example.com"}).status_code == 200
    reset_code = code_from_mail(mailoutbox[-1])
    _guess_wrong(api, mail, mailoutbox, guesses=10)
    response = api.post("/users/password/reset/confirm/", {"email": "amina@example.com", "code": reset_code,
                                                           "password": STRONG, "confirm_password": STRONG})
    assert _refused(response)
    assert not User.objects.get(pk=unverified.pk).check_password(STRONG)


def _refusals(api, email: str, code: str) -> list:
    reset = {"email": email, "code": code, "password": STRONG, "confirm_password": STRONG}
    responses = [api.post("/users/verification/", {"email": email, "code": code}),
                 api.post("/users/password/reset/confirm/", reset)]
    return [(r.status_code, r.json()) for r in responses]


def _live_code(user, purpose, **fields) -> str:
    """A code for `user` whose mail we do not need: its text is whatever does not match."""
    OneTimeCode.objects.create(user=user, purpose=purpose, code_hash="0" * 64,
                               expires_at=timezone.now() + timedelta(minutes=15), **fields)
    return "12345"


@pytest.mark.parametrize("state", ["wrong", "expired", "used_up", "none", "locked"])
def test_code_refusals_identical_when_account_real_or_unknown(api, state):
    user = UserFactory(email="real@example.com", is_verified=False)
    for purpose in OneTimeCode.Purpose.values:
        _live_code(user, purpose)
    if state == "expired":
        OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "used_up":
        OneTimeCode.objects.update(failed_attempts=5)
    elif state == "none":
        OneTimeCode.objects.all().delete()
    elif state == "locked":
        User.objects.filter(pk=user.pk).update(codes_locked_until=timezone.now() + timedelta(hours=1))
    real = _refusals(api, "real@example.com", "12345")
    unknown = _refusals(api, "ghost@example.com", "12345")
    assert real == unknown == [(400, REFUSAL)] * 2


def test_refusal_code_is_code_invalid_when_account_unknown_or_code_wrong(unverified):
    _live_code(unverified, OneTimeCode.Purpose.VERIFY_EMAIL)
    for email in ("ghost@example.com", "amina@example.com"):
        with pytest.raises(InvalidInput) as refused:
            user_verify(email=email, code="12345")
        assert refused.value.code == "code_invalid"
        assert refused.value.fields == REFUSAL
