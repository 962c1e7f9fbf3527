"""Every route × method × caller gets the answer the matrix lists; a new route fails until it is listed."""
import pytest

from tests.authz.matrix import MATRIX
from tests.authz.requests import calls
from tests.authz.send import outcomes
from tests.authz.world import CALLERS
from tests.routes import api_routes

pytestmark = pytest.mark.django_db


def test_every_route_and_method_has_a_row_when_routes_change():
    served = {(route.name, method) for route in api_routes() for method in route.methods}
    assert set(MATRIX) == served


def test_every_row_has_a_request_to_send_when_the_world_is_built(world):
    assert not set(MATRIX) - set(calls(world))


@pytest.mark.parametrize("name,method", sorted(MATRIX), ids=[f"{name}-{method}" for name, method in sorted(MATRIX)])
def test_each_caller_gets_the_listed_answer_when_acting_on_store_a(world, name, method):
    assert outcomes(world, name, method, CALLERS) == dict(zip(CALLERS, MATRIX[(name, method)]))


def test_another_stores_callers_never_get_403_when_store_a_objects_are_named(world):
    """What is not theirs does not exist for them: a 404 rather than a 403 telling it is there."""
    paths, ids = calls(world), world.store_a_ids()
    named = {key: dict(zip(CALLERS, row)) for key, row in MATRIX.items() if any(i in paths[key].path for i in ids)}
    assert len(named) > 50
    others = ("other_owner", "other_agent", "other_key")
    assert [key for key, row in named.items() if 403 in (row[caller] for caller in others)] == []
