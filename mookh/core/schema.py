"""The OpenAPI schema tells the truth about what the code accepts and answers: every operation
documents the errors its view can answer (mookh.core.api renders them), and fields whose rules
drf-spectacular leaves out (decimal strings, non-empty lists, E.164 numbers) carry them."""
import copy
import math

from django.core.validators import RegexValidator
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import permissions, serializers
from rest_framework.settings import api_settings
from rest_framework_simplejwt.views import TokenViewBase

from mookh.core.serializers import PersonNameField, PhoneNumberField

# DRF's errors carry `detail`; domain errors add `code` and their details (mookh.core.api).
ErrorSerializer = inline_serializer("Error", {
    "detail": serializers.CharField(),
    "code": serializers.CharField(required=False),
})
# A 400 is DRF's field map: {"field": ["message"], "non_field_errors": [...]}, nested for nested fields.
FIELD_ERRORS = {"type": "object", "additionalProperties": {}, "description": "Messages by field name."}
# The shape of an E.164 number; whether the number exists in its country's plan is checked on arrival.
PHONE_PATTERN = r"^\+[1-9][0-9]{6,14}$"
# Letters and digits of any script, spaces and ' ’ . - , & ( ) (mookh.core.names); a web address is refused too.
PERSON_NAME_PATTERN = r"^(?:[^\W_]|[ '’.,&()-])*$"
# DRF's CharField refuses NUL characters and, trimming whitespace, one of only spaces when blank is not allowed.
TEXT_PATTERN = r"^[^\x00]*$"
TEXT_NOT_BLANK_PATTERN = r"^[^\x00]*[^\x00\s][^\x00]*$"
# RFC 3339 allows offsets to ±23:59; the API takes those up to ±18:00 (mookh.core.date_limits).
DATETIME_OFFSET_PATTERN = r"(?:[Zz]|[+-](?:(?:0[0-9]|1[0-7]):[0-5][0-9]|18:00))$"
# Where a component carries its rules until `schema_rules_stated` writes them.
RULES_KEY = "x-rules"


def decimal_pattern(field: serializers.DecimalField) -> str:
    """A decimal string DRF accepts: at least one digit (spectacular's pattern lets "" and "-" through),
    no sign when the minimum is 0 or more, a whole part of 1 or more when the minimum is 1."""
    whole, places = field.max_whole_digits, field.decimal_places
    if field.max_value is not None and field.max_value > 0:
        whole = min(whole, len(str(int(field.max_value))))
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    fraction = rf"(?:\.[0-9]{{0,{places}}})?"
    if field.min_value is not None and field.min_value >= 1:
        return rf"^0*[1-9][0-9]{{0,{whole - 1}}}{fraction}$"
    return rf"^{sign}(?:[0-9]{{1,{whole}}}{fraction}|\.[0-9]{{1,{places}}})$"


def decimal_string_or_whole_number(field: serializers.DecimalField, string_schema: dict) -> dict:
    """What StrictDecimalField takes: the decimal string, or a whole JSON number within the same bounds."""
    limit = 10 ** field.max_whole_digits - 1
    minimum = -limit if field.min_value is None else max(-limit, math.ceil(field.min_value))
    maximum = limit if field.max_value is None else min(limit, math.floor(field.max_value))
    whole_number = {"type": "integer", "minimum": minimum, "maximum": maximum}
    if string_schema.get("nullable"):
        whole_number["nullable"] = True
    annotations = {key: string_schema.pop(key) for key in ("description", "title", "default", "writeOnly")
                   if key in string_schema}
    return {"anyOf": [string_schema, whole_number], **annotations}


class AutoSchema(SpectacularAutoSchema):
    def map_parsers(self):
        """Forms carry neither null, nor numbers, nor nested objects: a view that keeps the default
        parsers documents JSON alone, unless its body has a file (then multipart too)."""
        media_types = super().map_parsers()
        if self.view.parser_classes != api_settings.DEFAULT_PARSER_CLASSES:
            return media_types
        serializer = self.get_request_serializer()
        serializer = getattr(serializer, "child", serializer)
        fields = getattr(serializer, "fields", {}) if isinstance(serializer, serializers.Serializer) else {}
        has_file = any(isinstance(field, serializers.FileField) for field in fields.values())
        return [media_type for media_type in media_types
                if media_type == "application/json" or (has_file and media_type == "multipart/form-data")]

    def _get_filter_parameters(self):
        """A filter left empty (`?store=`) filters nothing (django-filter): "" is a value of every one."""
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            if parameter["name"] == api_settings.SEARCH_PARAM:  # DRF refuses a NUL in it
                parameter["schema"]["pattern"] = TEXT_PATTERN
                continue
            schema = parameter.get("schema", {})
            if set(schema) - {"type", "description"} or schema.get("type") != "string":
                parameter["schema"] = {"oneOf": [schema, {"type": "string", "maxLength": 0}]}
        return parameters

    def _get_request_body(self, direction="request"):
        """A body that is a JSON array (a batch, an import) is never optional."""
        body = super()._get_request_body(direction)
        if body and any(content.get("schema", {}).get("type") == "array" for content in body["content"].values()):
            body["required"] = True
        return body

    def _map_basic_serializer(self, serializer, direction):
        """A serializer's `schema_rules` state rules across its fields (one of two fields required…) that
        its validate() or its service enforces. Each rule is a list of alternatives, one of which a whole
        request (not a PATCH) must match; `schema_rules_stated` writes them once enums are named."""
        schema = super()._map_basic_serializer(serializer, direction)
        rules = getattr(serializer, "schema_rules", None)
        if rules and direction == "request" and not serializer.partial:
            # A copy: postprocessing hooks rewrite schemas in place, and the class attribute is reused.
            schema[RULES_KEY] = copy.deepcopy(rules)
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, body in self._error_bodies().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(body, code, direction=direction)
        return responses

    def _error_bodies(self) -> dict:
        view = self.view
        bodies = {"400": FIELD_ERRORS}
        # Token views authenticate no one but answer 401 to wrong credentials or a bad refresh token.
        if view.get_authenticators() or isinstance(view, TokenViewBase):
            bodies["401"] = ErrorSerializer
        if not all(isinstance(permission, permissions.AllowAny) for permission in view.get_permissions()):
            bodies["403"] = ErrorSerializer
        # An unknown id in the path, or a page past the last of a list ("Invalid page.").
        if "{" in self.path or (self._is_list_view() and getattr(view, "paginator", None)):
            bodies["404"] = ErrorSerializer
        # A write goes through services, whose domain errors are 409 unless they say otherwise.
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            bodies["409"] = ErrorSerializer
        if view.get_throttles():
            bodies["429"] = ErrorSerializer
        return bodies

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.DecimalField) and "pattern" in schema:
            schema["pattern"] = decimal_pattern(field)
            if direction == "request":
                schema = decimal_string_or_whole_number(field, schema)
        elif isinstance(field, PhoneNumberField) and schema.get("type") == "string":
            schema["pattern"] = PHONE_PATTERN
        elif isinstance(field, PersonNameField) and schema.get("type") == "string":
            schema["pattern"] = PERSON_NAME_PATTERN
        elif isinstance(field, (serializers.ListField, serializers.ListSerializer)):
            _require_items(field, schema)
        elif direction == "request" and _is_plain_text(field, schema):
            schema["pattern"] = TEXT_PATTERN if field.allow_blank else TEXT_NOT_BLANK_PATTERN
        return schema

    def _unwrap_list_serializer(self, serializer, direction):
        schema = super()._unwrap_list_serializer(serializer, direction)
        if schema is not None and isinstance(serializer, serializers.ListSerializer):
            _require_items(serializer, schema)
        return schema


def _is_plain_text(field, schema) -> bool:
    has_regex = any(isinstance(validator, RegexValidator) for validator in field.validators)
    return (isinstance(field, serializers.CharField) and isinstance(schema, dict) and schema.get("type") == "string"
            and not {"pattern", "format", "enum"} & set(schema) and not has_regex)


def _require_items(field, schema: dict) -> None:
    """A list's allow_empty=False, min_length and max_length (DRF checks them; spectacular leaves some out),
    and `unique_items` where the list's service refuses repeats."""
    if not isinstance(schema, dict) or schema.get("type") != "array":
        return
    minimum = max(0 if getattr(field, "allow_empty", True) else 1, getattr(field, "min_length", None) or 0)
    if minimum:
        schema["minItems"] = max(schema.get("minItems", 0), minimum)
    if getattr(field, "max_length", None) is not None:
        schema["maxItems"] = field.max_length
    if getattr(field, "unique_items", False):  # a list whose service refuses a repeat
        schema["uniqueItems"] = True


def datetime_offsets_bounded(result, generator, request, public):
    """Postprocessing hook: every date-time string (bodies and query parameters) says which offsets it takes."""
    def visit(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and node.get("format") == "date-time" and "pattern" not in node:
                node["pattern"] = DATETIME_OFFSET_PATTERN
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)
    visit(result)
    return result


def schema_rules_stated(result, generator, request, public):
    """Postprocessing hook, after spectacular's enum naming (which would hoist each one-value enum of a
    rule into a component of its own): a component's rules become anyOf, or allOf of anyOfs."""
    for component in result.get("components", {}).get("schemas", {}).values():
        rules = component.pop(RULES_KEY, None)
        if rules:
            any_ofs = [{"anyOf": alternatives} for alternatives in rules]
            component.update(any_ofs[0] if len(any_ofs) == 1 else {"allOf": any_ofs})
    return result
