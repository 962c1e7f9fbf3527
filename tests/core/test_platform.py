import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings():
    # --fail-on-warn turns any drf-spectacular warning (an endpoint it cannot describe) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_schema_and_docs_served(api):
    assert api.get("/api/schema/").status_code == 200
    assert api.get("/api/docs/").status_code == 200


def test_health_ok_when_database_and_broker_reachable(api, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = api.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_health_503_when_broker_unreachable(api, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = api.get("/health")
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"


def test_admin_pages_render_for_every_registered_model(admin_client):
    from django.contrib import admin

    for model in admin.site._registry:
        meta = model._meta
        response = admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert response.status_code == 200, f"{meta.label}: {response.status_code}"
