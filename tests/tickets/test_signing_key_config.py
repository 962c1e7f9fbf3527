"""The signing key: required in production, generated for development, read lazily."""
import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from tickets.checks import ticket_signing_key_check
from tickets.keys import ticket_keys


def test_missing_key_is_a_configuration_error_when_debug_off(settings):
    settings.DEBUG = False
    settings.TICKET_SIGNING_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="TICKET_SIGNING_KEY is not set"):
        ticket_keys()
    [error] = ticket_signing_key_check()
    assert error.id == "tickets.E101"


def test_invalid_key_is_a_configuration_error(settings):
    settings.TICKET_SIGNING_KEY = "c2hvcnQ="
    assert ticket_signing_key_check()[0].id == "tickets.E101"
    settings.TICKET_SIGNING_KEY = base64.b64encode(bytes(32)).decode()
    settings.TICKET_VERIFY_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="TICKET_VERIFY_KEYS"):
        ticket_keys()


def test_key_generated_once_into_the_key_file_when_debug_on(settings, tmp_path):
    settings.DEBUG = True
    settings.TICKET_SIGNING_KEY = ""
    settings.TICKET_SIGNING_KEY_FILE = tmp_path / ".ticket_signing_key"
    first = ticket_keys().key_id
    assert settings.TICKET_SIGNING_KEY_FILE.exists()
    assert oct(settings.TICKET_SIGNING_KEY_FILE.stat().st_mode & 0o777) == "0o600"
    assert ticket_keys().key_id == first
    assert ticket_signing_key_check() == []
