"""A database that cannot be reached is a 503 with Retry-After wherever it fails, never a 500."""
import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.urls("tests.core.urls_database_down")


@pytest.mark.parametrize("path", ["/stores/database-down/", "/database-down/"], ids=["api", "plain django"])
def test_database_unreachable_is_a_503_with_retry_after(path):
    response = APIClient(raise_request_exception=False).post(path, {}, format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json()["code"] == "database_unavailable"
