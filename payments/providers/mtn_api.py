"""MTN MoMo Open API plumbing that every product (Collection, Disbursement) shares.

Each product has its own path prefix (`/collection/...`, `/disbursement/...`), its own subscription
key, API user and API key, and its own access tokens. What differs between products is described
by an `MtnProduct`; the product modules keep only their request bodies, result parsing and
product-specific sandbox behaviour.
"""
import base64
import hashlib
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import httpx
from django.core.cache import cache

from payments.http import provider_client, send
from payments.providers.base import ProviderError

SANDBOX_BASE_URL = "https://sandbox.momodeveloper.mtn.com"
TOKEN_EXPIRY_MARGIN_SECONDS = 60
MESSAGE_MAX = 160
ALREADY_EXISTS = "RESOURCE_ALREADY_EXIST"
SANDBOX_TOKEN_SECONDS = 3600


@dataclass(frozen=True)
class MtnConfig:
    base_url: str
    subscription_key: str
    api_user: str
    api_key: str
    target_environment: str = "sandbox"
    sandbox: bool = True


@dataclass(frozen=True)
class MtnProduct:
    """One MTN MoMo product: where its API lives, where its credentials are set, where its tokens
    are cached, and how the offline sandbox answers a POST to `resource_path` (create, named by
    X-Reference-Id) and a GET of `resource_path/{reference}` (status)."""
    path_prefix: str
    resource_path: str
    settings_prefix: str
    cache_namespace: str
    live_use: str
    sandbox_subscription_key: str
    sandbox_api_user: str
    sandbox_api_key: str
    sandbox_create: Callable[[httpx.Request], httpx.Response]
    sandbox_status: Callable[[str], httpx.Response]

    @property
    def token_path(self) -> str:
        return f"/{self.path_prefix}/token/"


def config_from_settings(product: MtnProduct) -> MtnConfig:
    """`product` from settings; in sandbox mode missing credentials fall back to placeholders."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    sandbox = getattr(settings, "PAYMENTS_MODE", "sandbox") != "live"
    prefix = product.settings_prefix
    subscription_key = getattr(settings, f"{prefix}SUBSCRIPTION_KEY", "")
    api_user = getattr(settings, f"{prefix}API_USER", "")
    api_key = getattr(settings, f"{prefix}API_KEY", "")
    if not sandbox and not (subscription_key and api_user and api_key):
        raise ImproperlyConfigured(f"Set {prefix}SUBSCRIPTION_KEY, {prefix}API_USER and {prefix}API_KEY "
                                   f"for live {product.live_use}.")
    return MtnConfig(
        base_url=getattr(settings, "MTN_BASE_URL", SANDBOX_BASE_URL),
        subscription_key=subscription_key or product.sandbox_subscription_key,
        api_user=api_user or product.sandbox_api_user,
        api_key=api_key or product.sandbox_api_key,
        target_environment=getattr(settings, "MTN_TARGET_ENVIRONMENT", "sandbox"),
        sandbox=sandbox,
    )


@contextmanager
def client_for(product: MtnProduct, config: MtnConfig, client: httpx.Client | None):
    """`client` when given, else a new one (answered by the offline sandbox in sandbox mode)."""
    if client is not None:
        yield client
        return
    handler = sandbox_handler(product, config) if config.sandbox else None
    with provider_client(base_url=config.base_url, sandbox_handler=handler) as http:
        yield http


def access_token(product: MtnProduct, config: MtnConfig, *, client: httpx.Client | None = None) -> str:
    """An access token for `product`, shared through the cache until shortly before it expires."""
    key = _token_cache_key(product, config)
    cached = cache.get(key)
    if cached:
        return cached
    basic = base64.b64encode(f"{config.api_user}:{config.api_key}".encode()).decode()
    with client_for(product, config, client) as http:
        response = _send(http, "POST", product.token_path, headers={
            "Authorization": f"Basic {basic}", "Ocp-Apim-Subscription-Key": config.subscription_key})
    data = response_json(response)
    if response.status_code != 200 or not isinstance(data.get("access_token"), str):
        raise provider_error("token", response, data)
    try:
        lifetime = int(data.get("expires_in")) - TOKEN_EXPIRY_MARGIN_SECONDS
    except (TypeError, ValueError):
        lifetime = 0
    if lifetime > 0:
        cache.set(key, data["access_token"], timeout=lifetime)
    return data["access_token"]


def authorised(product: MtnProduct, config: MtnConfig, http: httpx.Client, method: str, url: str, *,
               headers=None, **kwargs) -> httpx.Response:
    """One call with a Bearer token; a 401 drops the cached token and tries once with a new one."""
    for attempt in (1, 2):
        all_headers = {
            "Authorization": f"Bearer {access_token(product, config, client=http)}",
            "X-Target-Environment": config.target_environment,
            "Ocp-Apim-Subscription-Key": config.subscription_key,
            **(headers or {}),
        }
        response = _send(http, method, url, headers=all_headers, **kwargs)
        if response.status_code != 401 or attempt == 2:
            return response
        cache.delete(_token_cache_key(product, config))
    raise AssertionError("unreachable")


def response_json(response: httpx.Response) -> dict:
    """The answer's JSON object, or {} when it has none."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def provider_error(action: str, response: httpx.Response, error: dict) -> ProviderError:
    """MTN's refusal `{code, message}` as a ProviderError, retryable for 5xx."""
    code = error.get("code") if isinstance(error.get("code"), str) else f"http_{response.status_code}"
    return ProviderError(f"MTN {action} answered {response.status_code}: {error.get('message') or code}",
                         code=f"mtn_{code.lower()}", retryable=response.status_code >= 500)


def failure_reason(reason) -> str:
    """`reason` is a code (`APPROVAL_REJECTED`) or an object `{code, message}`."""
    if isinstance(reason, dict):
        return ": ".join(str(part) for part in (reason.get("code"), reason.get("message")) if part) or "failed"
    return str(reason) if reason else "failed"


def is_uuid4(value) -> bool:
    """True for a UUID4 in its canonical form, the only reference MTN accepts."""
    try:
        return uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value
    except (ValueError, TypeError, AttributeError):
        return False


def whole_units(amount: Decimal, *, verb: str) -> str:
    """A positive whole Decimal amount as MTN's string; `verb` says what MTN does with it in the error."""
    if isinstance(amount, float) or not isinstance(amount, Decimal | int):
        raise TypeError("Amounts are Decimal, never float.")
    whole = Decimal(amount).to_integral_value()
    if whole != amount or whole <= 0:
        raise ValueError(f"MTN {verb} positive whole amounts, not {amount}.")
    return str(int(whole))


def message(text: str) -> str:
    """A payerMessage or payeeNote as MTN takes it: no apostrophes, at most MESSAGE_MAX characters."""
    return text.replace("'", "").replace("\u2019", "")[:MESSAGE_MAX]


def _send(http: httpx.Client, method: str, url: str, **kwargs) -> httpx.Response:
    try:
        return send(http, method, url, retry=True, **kwargs)
    except httpx.TransportError as exc:
        raise ProviderError(f"MTN unreachable: {exc}", code="mtn_unreachable", retryable=True) from exc


def _token_cache_key(product: MtnProduct, config: MtnConfig) -> str:
    digest = hashlib.sha256(f"{config.base_url}|{config.api_user}".encode()).hexdigest()[:32]
    return f"{product.cache_namespace}:token:{digest}"


# The offline sandbox: what every product's sandbox answers the same way (tokens, credentials, errors).

def sandbox_handler(product: MtnProduct, config: MtnConfig):
    """An httpx handler answering the token call and checking credentials as MTN's sandbox does,
    then the product's create and status calls; any other call is 404 RESOURCE_NOT_FOUND."""
    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path == product.token_path:
            return _sandbox_token(product, config, request)
        denied = _sandbox_denied(product, config, request)
        if denied:
            return denied
        if request.method == "POST" and path == product.resource_path:
            return product.sandbox_create(request)
        if request.method == "GET" and path.startswith(f"{product.resource_path}/"):
            return product.sandbox_status(path.rsplit("/", 1)[1])
        return sandbox_error(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.")

    return handle


def sandbox_error(status_code: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status_code, json={"code": code, "message": message})


def sandbox_messages_valid(body: dict) -> bool:
    """payerMessage and payeeNote are strings MTN takes: no apostrophe, at most MESSAGE_MAX characters."""
    texts = [body.get("payerMessage", ""), body.get("payeeNote", "")]
    return all(isinstance(text, str) and len(text) <= MESSAGE_MAX and "'" not in text for text in texts)


def sandbox_transaction_id(reference: str) -> str:
    """The financialTransactionId the sandbox gives `reference`: ten digits, the same every time."""
    digest = int(hashlib.sha256(reference.encode()).hexdigest(), 16)
    return str(10**9 + digest % (9 * 10**9))


def _sandbox_token(product: MtnProduct, config: MtnConfig, request: httpx.Request) -> httpx.Response:
    basic = base64.b64encode(f"{config.api_user}:{config.api_key}".encode()).decode()
    if (request.headers.get("Authorization") != f"Basic {basic}"
            or request.headers.get("Ocp-Apim-Subscription-Key") != config.subscription_key):
        return sandbox_error(401, "UNAUTHORIZED", "Access denied: wrong API user, key or subscription key.")
    if request.content:
        return sandbox_error(400, "BAD_REQUEST", "The token request takes no body.")
    token = uuid.uuid4().hex
    cache.set(_sandbox_token_key(product, token), True, timeout=SANDBOX_TOKEN_SECONDS)
    return httpx.Response(200, json={"access_token": token, "token_type": "access_token",
                                     "expires_in": SANDBOX_TOKEN_SECONDS})


def _sandbox_denied(product: MtnProduct, config: MtnConfig, request: httpx.Request) -> httpx.Response | None:
    if request.headers.get("Ocp-Apim-Subscription-Key") != config.subscription_key:
        return sandbox_error(401, "UNAUTHORIZED", "Access denied due to invalid subscription key.")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not cache.get(_sandbox_token_key(product, token)):
        return sandbox_error(401, "UNAUTHORIZED", "Access denied due to an invalid or expired token.")
    if request.headers.get("X-Target-Environment") != config.target_environment:
        return sandbox_error(403, "NOT_ALLOWED_TARGET_ENVIRONMENT", "Access to target environment is forbidden.")
    return None


def _sandbox_token_key(product: MtnProduct, token: str) -> str:
    return f"{product.cache_namespace}:sandbox:token:{token}"
