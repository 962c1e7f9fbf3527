"""Verifying an account that is verified already says so; unverified and unknown accounts stay alike."""
import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_verification_says_already_verified_when_account_verified_whatever_the_code(api):
    verified = UserFactory(is_verified=True)
    unverified = UserFactory(is_verified=False)

    response = api.post("/users/verification/", {"email": verified.email, "code": "00000"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"message": ["Account already verified"]}

    refusals = [api.post("/users/verification/", {"email": email, "code": "00000"}, format="json")
                for email in (unverified.email, "nobody@example.com")]
    assert [r.status_code for r in refusals] == [400, 400]
    assert refusals[0].json() == refusals[1].json()
