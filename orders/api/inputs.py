"""Request shapes of the order endpoints: types and formats only; rules live in the services."""
import math

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mookh.core.serializers import (PersonNameField, PhoneNumberField, Serializer, StorableDictField, StrictCharField,
                                    StrictRegexField)
from orders.models import PaymentMethod
from orders.services import LineInput, OrderRequest, Person
from orders.services.items import TYPE_NAMES


# A gate purchase is a POS sale: paid in cash or mobile cash to the agent at the gate.
GATE_PAYMENT_METHODS = (PaymentMethod.CASH, PaymentMethod.MOBILE_CASH)

# Lines per order: a storefront's cart, not a bulk import; more is refused before any pricing.
ORDER_LINES_MAX = 50
# Bounds on what one order line may carry (the service narrows them to what the item needs).
TICKET_NAMES_MAX = 1000
DATA_ENTRIES_MAX_KEYS = 50
DATA_ENTRY_KEY_MAX_LENGTH = 100
DATA_ENTRY_TEXT_MAX_LENGTH = 500


@extend_schema_field({
    "type": "object", "maxProperties": DATA_ENTRIES_MAX_KEYS,
    "description": f"Names of 1 to {DATA_ENTRY_KEY_MAX_LENGTH} characters.",
    "additionalProperties": {"oneOf": [
        {"type": "string", "maxLength": DATA_ENTRY_TEXT_MAX_LENGTH, "pattern": "^[^\\x00]*$", "nullable": True},
        {"type": "number"}, {"type": "boolean"},
    ]},
})
class DataEntriesField(StorableDictField):
    """An attendee's answers: at most 50 keys, each a short name, each value a string, number or
    boolean (never a nested structure)."""

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if len(values) > DATA_ENTRIES_MAX_KEYS:
            raise serializers.ValidationError(f"At most {DATA_ENTRIES_MAX_KEYS} entries.")
        for key, value in values.items():
            if not key or len(key) > DATA_ENTRY_KEY_MAX_LENGTH:
                raise serializers.ValidationError(f"Entry names have 1 to {DATA_ENTRY_KEY_MAX_LENGTH} characters.")
            if isinstance(value, str):
                if len(value) > DATA_ENTRY_TEXT_MAX_LENGTH or "\x00" in value:
                    raise serializers.ValidationError(
                        f"'{key[:40]}': at most {DATA_ENTRY_TEXT_MAX_LENGTH} characters.")
            elif value is not None and not isinstance(value, (bool, int, float)):
                raise serializers.ValidationError(f"'{key[:40]}': give a string, a number or true/false.")
            elif isinstance(value, float) and not math.isfinite(value):
                raise serializers.ValidationError(f"'{key[:40]}': give a finite number.")
        return values


class PersonInput(Serializer):
    name = PersonNameField()
    email = serializers.EmailField()
    phone_number = PhoneNumberField()

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        return Person(name=values["name"], email=values.get("email", "").lower(),
                      phone_number=values["phone_number"])


class OrderCustomerInput(PersonInput):
    """A v2 order's customer: the email may be left out of a gate purchase only (OrderPlaceInput.validate)."""

    email = serializers.EmailField(required=False, allow_blank=True,
                                   help_text="Required, except for a gate purchase (is_gate_purchase, CASH or "
                                             "MOBILE_CASH): a walk-up buyer needs only a name and phone number.")


class LineInputSerializer(Serializer):
    item_id = serializers.UUIDField()
    type_name = serializers.ChoiceField(choices=TYPE_NAMES)
    item_quantity = serializers.IntegerField(min_value=1, max_value=1000)
    ticket_names = serializers.ListField(child=PersonNameField(allow_blank=True), required=False, default=list,
                                         max_length=TICKET_NAMES_MAX, help_text="One attendee name per unit at most.")
    promotional_code = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=64)
    data_entries = DataEntriesField(required=False, default=dict,
                                    help_text="Answers to the event's registration_fields, by field name.")

    def to_internal_value(self, data):
        return LineInput(**super().to_internal_value(data))


class OrderPlaceInput(Serializer):
    currency = StrictRegexField(r"^[A-Z]{3}$", error_messages={"invalid": "Use an ISO 4217 code, e.g. KES."})
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    exact_payment_method = StrictCharField(required=False, allow_null=True, allow_blank=True, max_length=12)
    agent = serializers.UUIDField(required=False, allow_null=True)
    is_pay_later = serializers.BooleanField(required=False, default=False)
    payment_installments = serializers.IntegerField(required=False, default=1)
    response_type = serializers.ChoiceField(choices=["json", "html"], required=False, default="html")
    is_gate_purchase = serializers.BooleanField(required=False, default=False)
    customer = OrderCustomerInput()
    payer = PersonInput(required=False, allow_null=True)
    order_detail = LineInputSerializer(many=True, allow_empty=False, max_length=ORDER_LINES_MAX)
    # validate() below, for the schema: a customer email, unless a gate sale.
    schema_rules = [[
        {"properties": {"customer": {"required": ["email"], "properties": {"email": {"minLength": 1}}}}},
        {"required": ["is_gate_purchase"], "properties": {"is_gate_purchase": {"enum": [True]},
                                                          "payment_method": {"enum": list(GATE_PAYMENT_METHODS)}}},
    ]]

    def validate(self, attrs):
        gate_sale = attrs["is_gate_purchase"] and attrs["payment_method"] in GATE_PAYMENT_METHODS
        if not attrs["customer"].email and not gate_sale:
            raise serializers.ValidationError({"customer": {"email": ["This field is required."]}})
        return attrs

    def order_request(self) -> OrderRequest:
        data = self.validated_data
        return OrderRequest(
            customer=data["customer"], payer=data.get("payer"), lines=tuple(data["order_detail"]),
            currency=data["currency"], payment_method=data["payment_method"],
            exact_payment_method=data.get("exact_payment_method"), agent_id=data.get("agent"),
            is_pay_later=data["is_pay_later"], payment_installments=data["payment_installments"],
            is_gate_purchase=data["is_gate_purchase"],
        )
