import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from notifications import sms
from tests.factories import UserFactory
from tests.factories.stores import StoreFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and resend limits live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _sms_locmem(settings):
    """Tests send SMS to memory; `smsoutbox` is the list, like pytest-django's `mailoutbox`."""
    settings.SMS_BACKEND = "notifications.sms.locmem.SmsBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def smsoutbox():
    return sms.outbox


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def owner(db):
    return UserFactory(roles=["store_owner"])


@pytest.fixture
def store(owner):
    return StoreFactory(owner=owner)


@pytest.fixture
def super_admin(db):
    return UserFactory(roles=["super_admin"])
