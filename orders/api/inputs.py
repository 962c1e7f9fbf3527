"""Request shapes of the order endpoints: types and formats only; rules live in the services."""
from rest_framework import serializers

from mookh.core.serializers import PhoneNumberField
from orders.models import PaymentMethod
from orders.services import LineInput, Person


class StrictCharField(serializers.CharField):
    """A string and nothing else (DRF's CharField would turn 5 into "5")."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class PersonInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    phone_number = PhoneNumberField()

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        return Person(name=values["name"], email=values["email"].lower(), phone_number=values["phone_number"])


class LineInputSerializer(serializers.Serializer):
    item_id = serializers.UUIDField()
    type_name = serializers.CharField(max_length=32)
    item_quantity = serializers.IntegerField(min_value=1, max_value=1000)
    ticket_names = serializers.ListField(child=StrictCharField(allow_blank=True, max_length=200), required=False,
                                         default=list)
    promotional_code = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=64)
    data_entries = serializers.DictField(required=False, default=dict)

    def to_internal_value(self, data):
        return LineInput(**super().to_internal_value(data))


class OrderPlaceInput(serializers.Serializer):
    currency = serializers.RegexField(r"^[A-Z]{3}$", error_messages={"invalid": "Use an ISO 4217 code, e.g. KES."})
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    exact_payment_method = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=12)
    agent = serializers.UUIDField(required=False, allow_null=True)
    is_pay_later = serializers.BooleanField(required=False, default=False)
    payment_installments = serializers.IntegerField(required=False, default=1)
    response_type = serializers.ChoiceField(choices=["json", "html"], required=False, default="html")
    is_gate_purchase = serializers.BooleanField(required=False, default=False)
    customer = PersonInput()
    payer = PersonInput(required=False, allow_null=True)
    order_detail = LineInputSerializer(many=True, allow_empty=False, max_length=100)

    def service_arguments(self) -> dict:
        """validated_data under the names `order_place` takes."""
        data = dict(self.validated_data)
        data.pop("response_type")
        data["lines"] = data.pop("order_detail")
        data["agent_id"] = data.pop("agent", None)
        return data
