"""Every route and its limits (rates by scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]).

A new route fails `test_every_route_has_an_entry_when_routes_change` until it is given its limits
here. Each listed scope is checked twice: on the view's throttles, and through the API (a tiny
rate, then a 429 with Retry-After).
"""
import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.tokens import RefreshToken

from stores import services as store_services
from tests.factories import UserFactory
from tests.factories.stores import StoreFactory
from tests.routes import api_routes, sample_path
from tests.users.helpers import throttle_rates

ADDRESS = {"api_address"}
ORDER_CREATE = {"order_create_email", "order_create_phone", "api_address"}
CALLBACK = {"payment_callback_address"}
SANDBOX = {"payment_sandbox_address"}
PAGE = {"payment_link_address"}
V1 = {"voucherify_requests"}

ROUTE_LIMITS = {
    "health": ADDRESS,
    "metrics": {"metrics_failures"},  # refused scrapes per address; then 404 even with the token
    "schema": {"schema_address"},  # generated on each request: tighter than the API's
    "docs": ADDRESS,
    "agent-invitation-list": ADDRESS,
    "agent-invitation-accept": ADDRESS,
    "agent-invitation-decline": ADDRESS,
    "verification-resend": {"verification_resend", "verification_resend_address"},
    "verification": {"verification", "verification_address"},
    "token-refresh": {"token_refresh_address"},
    "token": {"login", "login_address"},
    "password-reset-confirm": {"password_reset_confirm", "password_reset_confirm_address"},
    "password-reset": {"password_reset", "password_reset_address"},
    "user-list": {"api_address", "registration", "registration_address"},
    "user-user-roles": ADDRESS,
    "user-detail": ADDRESS,
    "store-type-list": ADDRESS,
    "store-type-detail": ADDRESS,
    "store-agent-list": {"api_address", "agent_invitation"},
    "store-agent-detail": ADDRESS,
    "store-api-key-list": {"api_address", "api_key_create"},
    "store-api-key-detail": ADDRESS,
    "store-list": ADDRESS,
    "store-detail": ADDRESS,
    "event-category-list": ADDRESS,
    "event-category-detail": ADDRESS,
    "event-public-list": ADDRESS,
    "event-list": ADDRESS,
    "event-detail": ADDRESS,
    "schedule-list": ADDRESS,
    "schedule-detail": ADDRESS,
    "ticket-list": ADDRESS,
    "ticket-detail": ADDRESS,
    "category-list": ADDRESS,
    "category-detail": ADDRESS,
    "media-type-list": ADDRESS,
    "media-type-detail": ADDRESS,
    "album-media-file-list": ADDRESS,
    "album-media-file-detail": ADDRESS,
    "album-list": ADDRESS,
    "album-detail": ADDRESS,
    "promo-code-list": ADDRESS,
    "promo-code-validate": {"promo_validate", "promo_validate_item", "promo_validate_failures"},
    "promo-code-detail": ADDRESS,
    "promocode-group-list": ADDRESS,
    "promocode-group-detail": ADDRESS,
    "orders-list": ORDER_CREATE,
    "orders-detail": ADDRESS,
    "orders-cancel": ADDRESS,
    "orders-refund": ADDRESS,
    "order-v1-list": ORDER_CREATE,
    "order-v1-validate-order": ORDER_CREATE,
    "order-v1-verify-order": {"order_lookup", "order_lookup_number", "order_lookup_contact"},
    "order-v1-detail": ADDRESS,
    "media-file-download": {"download_link", "api_address"},
    "check-in-batch": ADDRESS,
    "check-in": ADDRESS,
    "event-check-in-key": ADDRESS,
    "event-check-in-list": ADDRESS,
    "order-tickets": ADDRESS,
    "order-ticket": ADDRESS,
    "order-ticket-qr": ADDRESS,
    "payments-callback-mpesa": CALLBACK,
    "payments-callback-airtel": CALLBACK,
    "payments-callback-mtn": CALLBACK,
    "payments-callback-mpesa-reversal": CALLBACK,
    "payments-callback-mpesa-reversal-timeout": CALLBACK,
    "payments-sandbox-complete": SANDBOX,
    "payments-callback-paybill-validation": CALLBACK,
    "payments-callback-paybill-confirmation": CALLBACK,
    "payments-sandbox-paybill": SANDBOX,
    "payment-link": PAGE,
    # Per order per hour, per phone, per address; and one prompt sent per order per 30 s, which the
    # service counts (tests/payments/test_payment_prompt_limits.py).
    "payment-link-pay": {"payment_prompt_order", "payment_prompt_phone", "payment_link_address"},
    "payment-link-status": PAGE,
    "payment-link-card": PAGE,
    "payment-link-receipt": PAGE,
    "payments-callback-cybersource": CALLBACK,
    "payments-sandbox-cybersource-pay": SANDBOX,
    "voucherify-orders": V1,
    "voucherify-orders-import": {"voucherify_requests", "voucherify_imports"},
    "voucherify-orders-export": {"voucherify_requests", "voucherify_exports"},
    "voucherify-order": V1,
    "voucherify-async-action": V1,
    "voucherify-export": V1,
    "voucherify-export-download": V1,
    r"v1/^[\s\S]*$": V1,
}

# Routes limited otherwise than per client address, and why that is enough.
NO_PER_ADDRESS_LIMIT = {
    name: "per store API key: a server of the store's calls it; a request without a valid key is "
          "refused by authentication (one indexed lookup) before any work"
    for name in ROUTE_LIMITS if name.startswith(("voucherify-", "v1/"))
}

# Routes the limits were asked for that this product does not have.
ABSENT_ROUTES = {
    "waiting room (join, poll)": "no such route: sales have no queue; hoarding is limited per buyer "
                                 "email and phone (order_create_*) and per-buyer ticket caps",
}

# Scopes the API test below cannot exceed with one repeated request; each has its own tests.
COUNTED_OTHERWISE = {
    "body": "a value named in the body: tests/users/test_throttles.py, tests/orders/test_hoarding_limits.py, "
            "tests/orders/test_order_lookup_by_number.py, tests/promos/test_validate_limits.py",
    "failures": "failed guesses only: tests/promos/test_validate_limits.py",
}
ROUTES = {route.name: route for route in api_routes()}
METHOD_PREFERENCE = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _drf_view(route, method):
    view = route.view_class(**getattr(route.view, "initkwargs", {}))
    actions = getattr(route.view, "actions", None)
    view.action_map = actions or {}
    view.action = actions.get(method.lower()) if actions else None
    view.args, view.kwargs, view.format_kwarg, view.request = (), {}, None, None
    return view


def _limits(route, method) -> list[tuple[str, str]]:
    """(scope, what it counts per) of each limit the route applies to `method`."""
    if route.view_class is None:  # a plain Django view: its decorators list per-address scopes
        return [(scope, "address") for scope in getattr(route.view, "limit_scopes", ())]
    view = _drf_view(route, method)
    found = []
    for throttle in view.get_throttles():
        if isinstance(throttle, ScopedRateThrottle):  # DRF's, per user: by the view's throttle_scope
            if getattr(view, "throttle_scope", None):
                found.append((view.throttle_scope, "user"))
        else:
            found.append((throttle.scope, throttle.keyed_by))
    return found


def test_every_route_has_an_entry_when_routes_change():
    assert set(ROUTE_LIMITS) == set(ROUTES)
    assert not [name for name in ROUTES if "waiting" in name or "queue" in name], ABSENT_ROUTES


@pytest.mark.parametrize("name", sorted(ROUTE_LIMITS))
def test_route_applies_its_listed_limits_when_its_view_is_inspected(name):
    route = ROUTES[name]
    applied = {scope for method in route.methods for scope, _ in _limits(route, method)}
    assert applied == ROUTE_LIMITS[name]


@pytest.mark.parametrize("name", sorted(ROUTE_LIMITS))
def test_every_method_is_limited_per_address_when_the_route_is_public(name):
    route = ROUTES[name]
    unlimited = [method for method in route.methods
                 if "address" not in {keyed_by for _, keyed_by in _limits(route, method)}]
    assert unlimited == [] or name in NO_PER_ADDRESS_LIMIT


def _probes():
    """(route name, method, scope) for every limit that one repeated request keeps counting."""
    for name in sorted(ROUTE_LIMITS):
        route = ROUTES[name]
        seen = set()
        for method in sorted(route.methods, key=METHOD_PREFERENCE.index):
            for scope, keyed_by in _limits(route, method):
                if scope not in seen and keyed_by not in COUNTED_OTHERWISE and scope != "metrics_failures":
                    seen.add(scope)
                    yield pytest.param(name, method, scope, id=f"{name}-{method}-{scope}")


@pytest.fixture
def caller(db):
    """Signed in as a super admin (JWT) and as a store API key (/v1), from one address."""
    admin = UserFactory(roles=["super_admin"])
    store = StoreFactory(owner=UserFactory(roles=["store_owner"]))
    issued = store_services.store_api_key_create(store=store, actor=store.owner, name="limits")
    client = APIClient(REMOTE_ADDR="192.0.2.10")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(admin).access_token}",
                       HTTP_X_APP_ID=issued.key.app_id, HTTP_X_APP_TOKEN=issued.app_token)
    return client


@pytest.mark.parametrize("name,method,scope", list(_probes()))
def test_route_answers_429_with_retry_after_when_its_limit_is_exceeded(caller, settings, monkeypatch,
                                                                     name, method, scope):
    rates = {other: "1000/min" for other in ROUTE_LIMITS[name] if other != scope}  # only this one refuses
    rates[scope] = "2/day"
    throttle_rates(settings, **rates)
    # DRF's ScopedRateThrottle read its rates once, at import.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, **rates})
    path = sample_path(ROUTES[name])
    statuses = [getattr(caller, method.lower())(path, {}, format="json") for _ in range(3)]
    assert [response.status_code == 429 for response in statuses] == [False, False, True]
    assert int(statuses[-1]["Retry-After"]) > 0


@pytest.mark.parametrize("path", ["/health/", "/stores/event/public/"])
def test_address_limit_holds_when_each_request_claims_another_forwarded_address(db, settings, path):
    throttle_rates(settings, api_address="2/day")
    client = APIClient(REMOTE_ADDR="192.0.2.20")
    statuses = [client.get(path, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)]
    assert statuses[:2] == [200, 200] and statuses[2] == 429
    assert APIClient(REMOTE_ADDR="192.0.2.21").get(path).status_code == 200
