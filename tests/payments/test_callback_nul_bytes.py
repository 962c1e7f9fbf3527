"""A callback is stored before anything is made of it: a NUL character, which PostgreSQL text
cannot hold, is kept as U+FFFD instead of failing the request."""
import pytest

from payments.models import ProviderCallback

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/payments/callbacks/mpesa/wrong-token/", "/payments/callbacks/airtel/wrong-token/"])
def test_callback_with_nul_stored_with_replacement_character_when_received(api, path):
    response = api.generic("POST", path, b'{"Body": "a\x00b"}', content_type="application/json")

    assert response.status_code == 401
    assert ProviderCallback.objects.get().body == '{"Body": "a\ufffdb"}'
