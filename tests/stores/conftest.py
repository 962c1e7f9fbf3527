import pytest

from tests.conftest import client_for
from tests.factories.stores import StoreAgentFactory, StoreFactory


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    """Uploads (public and private) land in this test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"


@pytest.fixture
def agent(store):
    return StoreAgentFactory(store=store).user


@pytest.fixture
def other_owner(db):
    return StoreFactory().owner


@pytest.fixture
def clients(api, owner, store, agent, other_owner, super_admin):
    """One client per role of the permission matrix, around `store`."""
    return {
        "anonymous": api,
        "owner": client_for(owner),
        "other_owner": client_for(other_owner),
        "agent": client_for(agent),
        "super_admin": client_for(super_admin),
    }
