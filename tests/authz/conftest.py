import pytest
from django.db import transaction
from django.test import override_settings

from tests.authz.world import world_build

# A fixed signing key for tests only (base64 of a raw 32-byte Ed25519 seed).
TEST_SIGNING_KEY = "jk92sb4MsBpHaB6BHr+7nD/6+KDczhR5EcWD64aP/dA="


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module inside a transaction that is rolled back when the module ends."""
    files = tmp_path_factory.mktemp("authz-files")
    with override_settings(TICKET_SIGNING_KEY=TEST_SIGNING_KEY, TICKET_VERIFY_KEYS=[],
                           MEDIA_ROOT=files / "media", PRIVATE_MEDIA_ROOT=files / "private_media"), \
            django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # it stands for autocommit, like a test case's own transaction
        atomic.__enter__()
        try:
            yield world_build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
