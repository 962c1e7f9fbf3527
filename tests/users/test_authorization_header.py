"""An Authorization header that is not `Bearer <token>` is refused, never read as anonymous."""
import pytest

pytestmark = pytest.mark.django_db

MALFORMED = ["Bearer", "Bearer a b", "Token abc", "Basic dXNlcjpwYXNz", "bearer", "", "JWT abc"]


def test_malformed_authorization_header_is_401_when_endpoint_is_public(api):
    assert api.get("/stores/event/public/").status_code == 200
    for header in MALFORMED:
        response = api.get("/stores/event/public/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"].startswith("Bearer")
