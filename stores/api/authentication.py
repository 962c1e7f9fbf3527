"""`X-App-Id` + `X-App-Token`: an API client acting as the store that issued the key.

The request's user is the store's owner (for whom the key acts) and `request.auth` the key.
"""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from stores.selectors import store_api_key_authenticate

APP_ID_HEADER = "X-App-Id"
APP_TOKEN_HEADER = "X-App-Token"


class StoreApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        app_id = request.headers.get(APP_ID_HEADER, "")
        app_token = request.headers.get(APP_TOKEN_HEADER, "")
        if not app_id and not app_token:
            return None  # anonymous: the view's permission answers 401
        key = store_api_key_authenticate(app_id=app_id, app_token=app_token) if app_id and app_token else None
        if key is None:
            raise AuthenticationFailed(f"Unknown {APP_ID_HEADER} or wrong {APP_TOKEN_HEADER}.")
        return key.store.owner, key

    def authenticate_header(self, request):
        # Without a challenge DRF would answer 403 instead of 401.
        return f'{APP_TOKEN_HEADER} realm="api"'


class StoreApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "stores.api.authentication.StoreApiKeyAuthentication"
    name = [APP_ID_HEADER, APP_TOKEN_HEADER]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": APP_ID_HEADER,
             "description": "The app id of a store API key (/stores/store/{id}/api_keys/)."},
            {"type": "apiKey", "in": "header", "name": APP_TOKEN_HEADER,
             "description": "The key's secret token, shown once when the key was created."},
        ]
