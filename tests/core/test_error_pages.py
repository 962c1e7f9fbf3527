"""Requests no view answers, and errors no handler knows, answer JSON; the admin keeps its pages."""
import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_unknown_path_is_a_json_404_when_outside_the_admin(api, admin_client):
    for path in ("/stores/no-such-thing/", "/stores/orders/not-a-uuid/", "/nothing-here"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}

    admin_page = admin_client.get("/admin/no-such-app/no-such-model/")
    assert admin_page.status_code == 404
    assert admin_page["Content-Type"].startswith("text/html")


@pytest.mark.urls("tests.core.urls_failing")
def test_unexpected_error_is_a_json_500_when_an_api_view_fails():
    client = APIClient(raise_request_exception=False)
    response = client.get("/stores/failing/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"


def test_unknown_path_is_a_json_404_when_debug_is_on(api, settings):
    settings.DEBUG = True
    response = api.get("/stores/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
