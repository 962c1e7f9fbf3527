"""The Mookh shape (`/stores/promo_codes/`, seed 000) and the validate endpoint. Shapes and types only."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mookh.core.serializers import DateTimeField, PhoneNumberField, StrictCharField, StrictDecimalField
from promos.api.fields import (PERCENTAGE, USES_MAX, DateOrDateTimeField, NullableDecimalField,
                               NullableIntegerField, NullableUUIDField, money, promo_code_field)
from promos.models import Promotion
from promos.selectors import ALBUM, TICKET

PERCENT, FIXED = Promotion.DiscountType.PERCENT, Promotion.DiscountType.FIXED

# The Mookh name of each Promotion field, for error messages.
MOOKH_FIELD_NAMES = {
    "name": "promo_name", "minimum_amount": "value", "max_uses": "quantity", "percent_discount": "promo_value",
    "fixed_discount": "promo_value", "starts_at": "start_date", "ends_at": "end_date", "codes": "code",
    "generate": "code",
}
SIMPLE_FIELDS = {"is_active": "is_active", "promo_name": "name", "value": "minimum_amount",
                 "quantity": "max_uses", "start_date": "starts_at", "end_date": "ends_at", "event": "event_id"}


class PromoCodeInput(serializers.Serializer):
    is_active = serializers.BooleanField(required=False)
    store = serializers.UUIDField()
    event = NullableUUIDField(required=False, allow_null=True)
    promo_name = StrictCharField(max_length=200)
    value = NullableDecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0,
                                 help_text="Minimum line amount (before discount) for the code to apply")
    quantity = NullableIntegerField(required=False, allow_null=True, min_value=1, max_value=USES_MAX,
                                    help_text="Total uses allowed (one per unit)")
    promo_value = StrictDecimalField(max_digits=12, decimal_places=2, min_value=0,
                                           help_text="Percent (0 < p ≤ 100) or amount off each unit")
    is_percentage = serializers.BooleanField(required=False)
    is_fixed = serializers.BooleanField(required=False)
    is_custom = serializers.BooleanField(required=False, help_text="The merchant chose `code`")
    start_date = DateOrDateTimeField(required=False, allow_null=True)
    end_date = DateOrDateTimeField(required=False, allow_null=True)
    code = promo_code_field(required=False, allow_blank=True)

    # validate() below and the promotions service: a percentage is more than 0 and at most 100.
    schema_rules = [[
        {"properties": {"is_percentage": {"enum": [False]}}},
        {"required": ["is_percentage"],
         "properties": {"is_percentage": {"enum": [True]}, "is_fixed": {"enum": [False]}, "promo_value": PERCENTAGE}},
    ]]

    def validate(self, attrs):
        if attrs.get("is_percentage") and attrs.get("is_fixed"):
            message = "A promo code is either a percentage or a fixed amount, not both."
            raise serializers.ValidationError({"is_percentage": [message], "is_fixed": [message]})
        return attrs

    def _discount(self, instance: Promotion | None) -> dict:
        data = self.validated_data
        if "is_percentage" in data:
            discount_type = PERCENT if data["is_percentage"] else FIXED
        elif data.get("is_fixed"):
            discount_type = FIXED
        else:
            discount_type = instance.discount_type if instance else FIXED
        if instance is not None and "promo_value" not in data and discount_type == instance.discount_type:
            return {}
        amount = data.get("promo_value")
        if amount is None and instance is not None:
            amount = instance.percent_discount if instance.discount_type == PERCENT else instance.fixed_discount
        return {"discount_type": discount_type, "percent_discount": amount if discount_type == PERCENT else None,
                "fixed_discount": amount if discount_type == FIXED else None}

    def service_kwargs(self, instance: Promotion | None = None) -> dict:
        """The validated body in the service's terms (Promotion field names)."""
        data = self.validated_data
        kwargs = {model: data[api] for api, model in SIMPLE_FIELDS.items() if api in data}
        kwargs.update(self._discount(instance), field_names=MOOKH_FIELD_NAMES, store_id=data.get("store"))
        code = (data.get("code") or "").strip()
        if instance is None:
            is_custom = data.get("is_custom", bool(code))
            if is_custom and not code:
                raise serializers.ValidationError({"code": ["Give the code when is_custom is true."]})
            kwargs.update(is_custom=is_custom, codes=[code] if is_custom else [], generate=0 if is_custom else 1)
        elif code:
            kwargs.update(code=code, is_custom=True)
        if kwargs.get("minimum_amount", 0) is None:
            kwargs["minimum_amount"] = 0
        return kwargs


class PromoCodeCreateInput(PromoCodeInput):
    # service_kwargs(): a new code marked custom is given.
    schema_rules = [*PromoCodeInput.schema_rules, [
        {"properties": {"is_custom": {"enum": [False]}}},
        {"required": ["code"], "properties": {"code": {"minLength": 1}}},
    ]]


class PromoCodeOutput(serializers.Serializer):
    id = serializers.UUIDField()
    is_active = serializers.BooleanField()
    store = serializers.UUIDField(source="store_id")
    event = serializers.UUIDField(source="event_id", allow_null=True)
    promo_name = StrictCharField(source="name")
    value = StrictDecimalField(source="minimum_amount", max_digits=12, decimal_places=2)
    quantity = serializers.IntegerField(source="max_uses", allow_null=True)
    promo_value = serializers.SerializerMethodField()
    is_percentage = serializers.SerializerMethodField()
    is_fixed = serializers.SerializerMethodField()
    is_custom = serializers.BooleanField()
    start_date = DateTimeField(source="starts_at", allow_null=True)
    end_date = DateTimeField(source="ends_at", allow_null=True)
    code = serializers.SerializerMethodField()
    times_used = serializers.IntegerField(help_text="Units in paid and pending orders")
    created = DateTimeField()

    # A decimal string like the input's (null without a discount), not the float a hint would document.
    @extend_schema_field(StrictDecimalField(max_digits=12, decimal_places=2, allow_null=True))
    def get_promo_value(self, promotion) -> str | None:
        return money(promotion.percent_discount if promotion.discount_type == PERCENT else promotion.fixed_discount)

    def get_is_percentage(self, promotion) -> bool:
        return promotion.discount_type == PERCENT

    def get_is_fixed(self, promotion) -> bool:
        return promotion.discount_type == FIXED

    def get_code(self, promotion) -> str | None:
        codes = list(promotion.codes.all())
        return codes[0].code if codes else None


class CustomerInput(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True)
    phone_number = PhoneNumberField(required=False, allow_blank=True)


class PromoValidateInput(serializers.Serializer):
    code = StrictCharField(max_length=64)
    item_id = serializers.UUIDField()
    type_name = serializers.ChoiceField(choices=[TICKET, ALBUM])
    item_quantity = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
    currency = StrictCharField(required=False, min_length=3, max_length=3)
    customer = CustomerInput(required=False)


class PromoValidateOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    reason = serializers.ChoiceField(required=False, choices=[
        "unknown", "inactive", "not_started", "expired", "not_applicable", "below_minimum", "exhausted",
        "per_person_limit"])
    detail = StrictCharField(required=False)
    code = StrictCharField(required=False)
    discount_type = StrictCharField(required=False)
    currency = StrictCharField(required=False)
    item_quantity = serializers.IntegerField(required=False)
    unit_price = StrictDecimalField(max_digits=12, decimal_places=2, required=False)
    unit_discount = StrictDecimalField(max_digits=12, decimal_places=2, required=False)
    discount = StrictDecimalField(max_digits=12, decimal_places=2, required=False,
                                        help_text="Total discount on the line")
    amount_before = StrictDecimalField(max_digits=12, decimal_places=2, required=False)
    amount_after = StrictDecimalField(max_digits=12, decimal_places=2, required=False)


def validation_result(*, quote, line, promo_code) -> dict:
    if not quote.applies:
        return {"valid": False, "reason": quote.reason, "detail": quote.detail}
    return {
        "valid": True, "code": promo_code.code, "discount_type": promo_code.promotion.discount_type,
        "currency": line.currency, "item_quantity": line.quantity, "unit_price": money(line.unit_price),
        "unit_discount": money(quote.unit_discount), "discount": money(quote.discount),
        "amount_before": money(line.amount), "amount_after": money(line.amount - quote.discount),
    }
