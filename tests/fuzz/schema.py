"""The API's own schema, as /api/schema/ serves it, for the fuzz tests."""
from contextlib import contextmanager

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator

# The Host header of schemathesis's WSGI client.
APP_HOST = "localhost"
METHODS = ("get", "put", "post", "patch", "delete")


@contextmanager
def connections_kept():
    """Requests keep the test's database connection (and its transaction), as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# OpenAPI cannot forbid unknown query parameters, and the API ignores them as HTTP APIs do: a request
# with one is not invalid data. Credentials (Authorization, X-App-Id, X-App-Token) are each role's
# own, set by the test: generated ones would be replaced, and a negated one with them.
CONFIG = {"generation": {"allow-extra-parameters": False, "with-security-parameters": False}}


def schema_load():
    with override_settings(ALLOWED_HOSTS=[APP_HOST]), connections_kept():
        return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(),
                                              config=schemathesis.Config.from_dict(CONFIG))


def operation_keys() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation, known at collection time without a request or a database."""
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in METHODS if method in item]
