"""What browsers are told: CORS only for the origins configured; with DEBUG off HSTS, nosniff, frame
denial and a referrer policy on every answer; a Content-Security-Policy on the HTML pages; CSRF
kept on the admin and the payment page whatever CORS allows."""
import pytest
from django.test import Client

from orders.models import Order
from tests.core.settings_probe import settings_loaded
from tests.orders.conftest import Catalog, order_body

pytestmark = pytest.mark.django_db
SHOP = "https://shop.example.com"
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "s" * 40}


@pytest.fixture
def catalog(db):
    return Catalog()


@pytest.fixture
def shop_allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [SHOP]


def _preflight(api, origin: str):
    return api.options("/stores/orders/", HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                       HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key, x-request-id")


def test_preflight_allowed_with_the_api_headers_when_the_origin_is_configured(api, shop_allowed):
    response = _preflight(api, SHOP)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == SHOP
    allowed = {header.strip() for header in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "x-request-id"} <= allowed
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response


def test_preflight_gets_no_cors_headers_when_the_origin_is_not_configured(api, shop_allowed):
    for origin in ("https://evil.example.com", "http://shop.example.com", "https://shop.example.com.evil.io"):
        response = _preflight(api, origin)
        assert "Access-Control-Allow-Origin" not in response, origin
        assert "Access-Control-Allow-Headers" not in response, origin


def test_answer_exposes_the_request_id_when_read_across_origins(api, shop_allowed):
    response = api.get("/stores/store_type/", HTTP_ORIGIN=SHOP)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == SHOP
    exposed = {header.strip().lower() for header in response["Access-Control-Expose-Headers"].split(",")}
    assert {"x-request-id", "retry-after"} <= exposed


def test_no_origin_allowed_unless_configured_when_settings_load():
    assert settings_loaded(PRODUCTION)["CORS_ALLOWED_ORIGINS"] == []
    configured = settings_loaded({**PRODUCTION, "CORS_ALLOWED_ORIGINS": f"{SHOP},https://admin.example.com"})
    assert configured["CORS_ALLOWED_ORIGINS"] == [SHOP, "https://admin.example.com"]


def _pay_later_order(api, catalog) -> Order:
    response = api.post("/stores/orders/", order_body((catalog.vvip, 1), response_type="html", is_pay_later=True),
                        format="json")
    assert response.status_code == 201, response.json()
    return Order.objects.get(order_number=response.json()["order_number"])


def test_security_headers_on_api_and_pages_when_debug_off(api, catalog):
    order = _pay_later_order(api, catalog)
    for path, accept in (("/stores/store_type/", "application/json"), ("/no-such-page/", "application/json"),
                         (f"/payments/links/{order.pk}/", "text/html")):
        response = api.get(path, secure=True, HTTP_ACCEPT=accept)
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["Referrer-Policy"] == "same-origin", path


def test_hsts_seconds_from_the_environment_and_off_when_debug_on():
    assert settings_loaded({**PRODUCTION, "SECURE_HSTS_SECONDS": "600"})["SECURE_HSTS_SECONDS"] == 600
    production = settings_loaded(PRODUCTION)
    assert production["SECURE_HSTS_SECONDS"] == 31536000 and production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SESSION_COOKIE_SECURE"] is True and production["CSRF_COOKIE_SECURE"] is True
    assert settings_loaded({"DEBUG": "1"})["SECURE_HSTS_SECONDS"] == 0


def _directives(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def test_payment_page_policy_allows_only_its_script_and_posts_to_the_gateway_when_paying_by_card(
        api, catalog, settings):
    order = _pay_later_order(api, catalog)
    page = Client().get(f"/payments/links/{order.pk}/")
    policy = _directives(page)
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
    assert policy["form-action"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert "<script src=\"/static/payments/pay.js\" defer></script>" in page.content.decode()
    assert "<script>" not in page.content.decode()

    settings.PAYMENTS_MODE = "live"
    settings.CYBERSOURCE_PAY_URL = "https://secureacceptance.cybersource.com/pay"
    settings.CYBERSOURCE_PROFILE_ID, settings.CYBERSOURCE_ACCESS_KEY = "profile-1", "access-1"
    settings.CYBERSOURCE_SECRET_KEY = "secret-1"
    handover = Client().post(f"/payments/links/{order.pk}/card/", {})
    assert handover.status_code == 200
    assert _directives(handover)["form-action"] == "'self' https://secureacceptance.cybersource.com"


def test_json_answers_carry_no_policy_and_admin_brings_its_own_when_served(api, admin_client):
    assert "Content-Security-Policy" not in api.get("/stores/store_type/")
    assert "Content-Security-Policy" not in admin_client.get("/admin/")


def test_csrf_still_refuses_forms_from_an_origin_cors_allows_when_the_token_is_missing(
        api, catalog, shop_allowed, admin_user):
    order = _pay_later_order(api, catalog)
    browser = Client(enforce_csrf_checks=True)
    page_form = browser.post(f"/payments/links/{order.pk}/pay/", {"phone_number": "+254711222333"},
                             HTTP_ORIGIN=SHOP)
    assert page_form.status_code == 403
    admin_login = browser.post("/admin/login/", {"username": admin_user.email, "password": "password"},
                               HTTP_ORIGIN=SHOP)
    assert admin_login.status_code == 403
