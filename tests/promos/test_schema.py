import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_describes_promotion_endpoints_without_warnings(capsys, tmp_path):
    schema = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--file", str(schema))
    warnings = [line for line in capsys.readouterr().err.splitlines() if "promos" in line or "Promo" in line]
    assert not warnings
    text = schema.read_text()
    for path in ("/stores/promo_codes/{id}/:", "/stores/promo_codes/validate/:",
                 "/stores/store/{store_id}/promocode-groups/{id}/:"):
        assert path in text
