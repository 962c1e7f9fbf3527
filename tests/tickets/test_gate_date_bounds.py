"""The gate's date-times (`since` of the check-in list, `scanned_at` of offline scans) are a 400 when the
database cannot hold them (years at the ends of the calendar, offsets past ±18:00), never a 500."""
import pytest

pytestmark = pytest.mark.django_db

REFUSED = ["0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z", "2030-01-01T00:00:00-21:34"]


@pytest.mark.parametrize("value", REFUSED)
def test_check_in_list_refused_naming_since_when_out_of_range(gates, catalog, value):
    response = gates["agent"].get(f"/stores/event/{catalog.event.pk}/check_in_list/", {"since": value})
    assert response.status_code == 400, response.content
    assert "since" in response.json()


@pytest.mark.parametrize("value", REFUSED)
def test_scan_batch_refused_when_scanned_at_is_out_of_range(gates, value):
    scans = [{"scan_id": "gate-1", "token": "abc", "scanned_at": value}]
    response = gates["agent"].post("/stores/check_in/batch/", scans, format="json")
    assert response.status_code == 400, response.content
    assert "scanned_at" in str(response.json())


def test_check_in_list_answers_when_since_has_a_wide_offset(gates, catalog):
    response = gates["agent"].get(f"/stores/event/{catalog.event.pk}/check_in_list/",
                                  {"since": "2030-01-01T00:00:00+17:30"})
    assert response.status_code == 200, response.content
