"""List parameters: a value that is not one the schema documents is a 400 naming the parameter,
never silently ignored (then the answer would not be what the client asked for)."""
import pytest

from tests.orders.conftest import catalog  # noqa: F401  (the catalog fixture)

pytestmark = pytest.mark.django_db

EVENTS = "/stores/event/public/"


@pytest.mark.parametrize("page_size", ["true", "0", "-1", "1.5", "ten"])
def test_list_refused_when_page_size_not_a_whole_number_from_1(api, catalog, page_size):
    response = api.get(EVENTS, {"page_size": page_size})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_list_page_size_capped_at_the_maximum_when_larger(api, catalog):
    response = api.get(EVENTS, {"page_size": 100_000})
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("published", ["null", "maybe", "yes"])
def test_list_refused_when_boolean_filter_not_true_or_false(api, catalog, published):
    response = api.get(EVENTS, {"published": published})
    assert response.status_code == 400
    assert "published" in response.json()


@pytest.mark.parametrize(("published", "count"), [("TRUE", 1), ("1", 1), ("false", 0), ("", 1)])
def test_list_filtered_when_boolean_filter_true_false_or_empty(api, catalog, published, count):
    response = api.get(EVENTS, {"published": published})
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_search_refused_naming_the_parameter_when_it_holds_a_nul(api, catalog):
    response = api.get(EVENTS, {"search": "Mseto\x00"})
    assert response.status_code == 400
    assert list(response.json()) == ["search"]
