"""Export filters in Voucherify's shape, as a Q over ApiOrder rows (annotated as exports.py does):

    {"junction": "and", "status": {"conditions": {"$in": ["PAID"]}},
     "created_at": {"conditions": {"$after": "2024-01-01T00:00:00Z"}}, "metadata.shop": {"conditions": {"$is": "A"}}}

Anything else is refused (InvalidInput): a filter that is silently ignored exports the wrong rows.
The API's schema states this grammar (orders.voucherify.api.schema.export_filters_schema).
"""
import re
from datetime import timezone

from django.db.models import Q
from django.utils.dateparse import parse_datetime

from mookh.core.date_limits import InvalidMoment, moment_bounded
from mookh.core.errors import InvalidInput
from mookh.core.storable import json_unstorable
from orders.voucherify.statuses import STATUSES, api_status_filter

TEXT, NUMBER, MOMENT, STATUS, METADATA = "text", "number", "moment", "status", "metadata"
FIELDS = {
    "id": ("id", TEXT), "source_id": ("source_id", TEXT), "customer_id": ("customer_id", TEXT),
    "referrer_id": ("referrer_id", TEXT), "status": ("status", STATUS),
    "created_at": ("created_at", MOMENT), "updated_at": ("changed_at", MOMENT),
    "amount": ("amount", NUMBER), "discount_amount": ("discount_amount", NUMBER),
    "total_amount": ("total_amount_value", NUMBER),
}
OPERATORS = {
    TEXT: {"$is", "$is_not", "$in", "$not_in", "$has_value", "$is_unknown", "$starts_with", "$ends_with", "$contains"},
    NUMBER: {"$is", "$is_not", "$in", "$not_in", "$more_than", "$less_than", "$more_than_equal", "$less_than_equal"},
    MOMENT: {"$after", "$before", "$has_value", "$is_unknown"},
    STATUS: {"$is", "$is_not", "$in", "$not_in"},
    METADATA: {"$is", "$is_not", "$in", "$not_in", "$has_value", "$is_unknown"},
}
METADATA_KEY = re.compile(r"^metadata\.([A-Za-z0-9_\-]{1,64})$")
JUNCTIONS = ("and", "or")
PRESENCE_OPERATORS = ("$has_value", "$is_unknown")
# Above what the named fields' operators can add up to (72), so only metadata conditions can reach it.
MAX_CONDITIONS = 100
TEXT_MAX_LENGTH = 200
LIST_MAX_LENGTH = 100


def export_filters_q(filters: dict | None) -> Q:
    if not filters:
        return Q()
    if not isinstance(filters, dict):
        raise InvalidInput({"filters": "An object of field conditions."})
    junction = filters.get("junction")
    junction = "and" if junction is None else junction
    if not isinstance(junction, str) or junction.lower() not in JUNCTIONS:
        raise InvalidInput({"filters": "junction is 'and' or 'or'."})
    junction = junction.lower()
    parts = []
    for name, spec in filters.items():
        if name == "junction":
            continue
        conditions = spec.get("conditions") if isinstance(spec, dict) else None
        if not isinstance(conditions, dict) or not conditions or len(spec) > 1:
            raise InvalidInput({"filters": f"{name}: give {{\"conditions\": {{\"$is\": …}}}} and nothing else."})
        parts.extend(_condition(name, operator, value) for operator, value in conditions.items())
    if len(parts) > MAX_CONDITIONS:
        raise InvalidInput({"filters": f"At most {MAX_CONDITIONS} conditions."})
    combined = Q()
    for part in parts:
        combined = (combined | part) if junction == "or" and combined else (combined & part)
    return combined


def _field(name: str) -> tuple[str, str]:
    if name in FIELDS:
        return FIELDS[name]
    match = METADATA_KEY.match(name)
    if match:
        return f"metadata__{match.group(1)}", METADATA
    raise InvalidInput({"filters": f"Cannot filter on {name!r}; use one of {', '.join(FIELDS)} or metadata.<key>."})


def _condition(name: str, operator: str, value) -> Q:
    column, kind = _field(name)
    if operator not in OPERATORS[kind]:
        raise InvalidInput({"filters": f"{name}: {operator!r} is not one of {', '.join(sorted(OPERATORS[kind]))}."})
    if operator in PRESENCE_OPERATORS:
        if not _scalar(value):
            raise InvalidInput({"filters": f"{name}: {operator} takes no value (null, true or another scalar)."})
        present = Q(**{f"{column}__isnull": False})
        return present if operator == "$has_value" else ~present
    if kind == STATUS:
        return _status_condition(operator, value)
    if operator in ("$in", "$not_in"):
        values = [_value(name, kind, item) for item in _list(name, value)]
        matched = Q(**{f"{column}__in": values})
        return matched if operator == "$in" else ~matched
    lookup = {"$is": "exact", "$is_not": "exact", "$more_than": "gt", "$less_than": "lt", "$more_than_equal": "gte",
              "$less_than_equal": "lte", "$after": "gt", "$before": "lt", "$starts_with": "startswith",
              "$ends_with": "endswith", "$contains": "contains"}[operator]
    matched = Q(**{f"{column}__{lookup}": _value(name, kind, value)})
    return ~matched if operator == "$is_not" else matched


def _status_condition(operator: str, value) -> Q:
    statuses = _list("status", value) if operator in ("$in", "$not_in") else [value]
    unknown = [status for status in statuses if status not in STATUSES]
    if unknown:
        raise InvalidInput({"filters": f"status: one of {', '.join(STATUSES)}."})
    matched = api_status_filter(statuses)
    return matched if operator in ("$is", "$in") else ~matched


def _list(name: str, value) -> list:
    if not isinstance(value, list) or not value or len(value) > LIST_MAX_LENGTH:
        raise InvalidInput({"filters": f"{name}: a list of 1 to {LIST_MAX_LENGTH} values."})
    return value


def _value(name: str, kind: str, value):
    if kind == NUMBER and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == MOMENT and isinstance(value, str):
        try:
            moment = parse_datetime(value)
            if moment is not None:
                return moment_bounded(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))
        except (ValueError, InvalidMoment):
            pass
    if kind == TEXT and isinstance(value, str) and len(value) <= TEXT_MAX_LENGTH and json_unstorable(value) is None:
        return value
    if kind == METADATA and value is not None and _scalar(value):
        return value
    raise InvalidInput({"filters": f"{name}: {value!r} is not a {kind} value."})


def _scalar(value) -> bool:
    """null, a boolean, a number or a string, that PostgreSQL can hold (mookh.core.storable)."""
    return (value is None or isinstance(value, (bool, int, float, str))) and json_unstorable(value) is None
