"""The Bakeronline shape (`/stores/store/{store_id}/promocode-groups/`, seed 002). Shapes and types only."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mookh.core.serializers import DateTimeField, StrictCharField, StrictDecimalField
from promos.api.fields import (PERCENTAGE, USES_MAX, NullableDateField, NullableDecimalField,
                               NullableIntegerField, PromoCodeListField)
from promos.models import Promotion
from promos.services.codes import CODES_MAX, GENERATE_MAX

# The Bakeronline name of each Promotion field that differs, for error messages.
GROUP_FIELD_NAMES = {"minimum_amount": "minimum_order_price"}
SIMPLE_FIELDS = {"discount_type": "discount_type", "usage_type": "usage_type", "fixed_discount": "fixed_discount",
                 "percent_discount": "percent_discount", "minimum_order_price": "minimum_amount",
                 "expiry_date": "expiry_date", "max_uses": "max_uses", "max_uses_per_user": "max_uses_per_user",
                 "is_active": "is_active"}

# The amount each discount type uses, and the one it does not.
SELECTED_AMOUNT = {Promotion.DiscountType.PERCENT: "percent_discount", Promotion.DiscountType.FIXED: "fixed_discount"}
IGNORED_AMOUNT = {Promotion.DiscountType.PERCENT: "fixed_discount", Promotion.DiscountType.FIXED: "percent_discount"}
GIVEN_AMOUNT = {"anyOf": [{"type": "string"}, {"type": "integer"}]}


class ApplicableOnSerializer(serializers.Serializer):
    all = serializers.BooleanField(required=False, help_text="Every item of the store (default when no ids)")
    products = serializers.ListField(child=serializers.UUIDField(), required=False, help_text="Event or album ids")
    categories = serializers.ListField(child=serializers.UUIDField(), required=False,
                                       help_text="Event category or content category ids")
    product_prices = serializers.ListField(child=serializers.UUIDField(), required=False, help_text="Ticket ids")

    # The promotions service: a promotion applies to everything or to something named.
    schema_rules = [[
        {"properties": {"all": {"enum": [True]}}},
        *({"required": [name], "properties": {name: {"minItems": 1}}}
          for name in ("products", "categories", "product_prices")),
    ]]


class PromoGroupInput(serializers.Serializer):
    codes = PromoCodeListField(required=False, max_length=CODES_MAX,
                               help_text="Codes chosen by the merchant (added to the group on update); not "
                                         "case-sensitive, so each once whatever its case")
    generate = serializers.IntegerField(required=False, min_value=0, max_value=GENERATE_MAX,
                                        help_text="How many random codes to add")
    discount_type = serializers.ChoiceField(choices=Promotion.DiscountType.choices)
    usage_type = serializers.ChoiceField(choices=Promotion.UsageType.choices, required=False)
    fixed_discount = NullableDecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                          allow_null=True)
    percent_discount = NullableDecimalField(max_digits=5, decimal_places=2, min_value=0, required=False,
                                            allow_null=True)
    minimum_order_price = NullableDecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                               allow_null=True)
    expiry_date = NullableDateField(required=False, allow_null=True, help_text="Last valid day (inclusive)")
    max_uses = NullableIntegerField(required=False, allow_null=True, min_value=1, max_value=USES_MAX,
                                    help_text="Per code, total; empty = no limit")
    max_uses_per_user = NullableIntegerField(required=False, allow_null=True, min_value=1, max_value=USES_MAX,
                                             help_text="Per code and customer, with X_USES_PER_PERSON")
    applicable_on = ApplicableOnSerializer(required=False)
    is_active = serializers.BooleanField(required=False)

    # validate() and the promotions service: a whole group names the amount of its discount type.
    schema_rules = [[
        {"properties": {"discount_type": {"enum": ["FIXED"]}, "fixed_discount": GIVEN_AMOUNT},
         "required": ["fixed_discount"]},
        {"properties": {"discount_type": {"enum": ["PERCENT"]}, "percent_discount": PERCENTAGE},
         "required": ["percent_discount"]},
    ]]

    def validate(self, attrs):
        """POST and PUT describe the whole group, so they name its amount; a PATCH may keep the stored one."""
        if not self.partial:
            amount = SELECTED_AMOUNT[attrs["discount_type"]]
            if attrs.get(amount) is None:
                raise serializers.ValidationError({amount: [f"Give {amount} for a {attrs['discount_type']} discount."]})
        return attrs

    def to_internal_value(self, data):
        """Clients (seed 002's own example) send both amounts: only the one `discount_type` selects is
        read, the other is left out whatever it holds. Without `discount_type` in the body (a PATCH),
        the group's own type (context "discount_type") selects."""
        selected = data.get("discount_type") if hasattr(data, "get") else None
        if selected not in IGNORED_AMOUNT:
            selected = self.context.get("discount_type")
        ignored = IGNORED_AMOUNT.get(selected)
        if ignored and ignored in data:
            data = data.copy()
            data.pop(ignored)
        return super().to_internal_value(data)

    def service_kwargs(self) -> dict:
        data = self.validated_data
        kwargs = {model: data[api] for api, model in SIMPLE_FIELDS.items() if api in data}
        if kwargs.get("minimum_amount", 0) is None:
            kwargs["minimum_amount"] = 0
        kwargs.update(codes=data.get("codes") or [], generate=data.get("generate") or 0,
                      applicable_on=data.get("applicable_on"), field_names=GROUP_FIELD_NAMES)
        return kwargs


class PromoGroupCreateInput(PromoGroupInput):
    # The promotions service: a new group starts with codes, chosen or generated, and one limited per
    # customer says how many uses each has.
    schema_rules = [*PromoGroupInput.schema_rules, [
        {"required": ["codes"], "properties": {"codes": {"minItems": 1}}},
        {"required": ["generate"], "properties": {"generate": {"minimum": 1}}},
    ], [
        {"properties": {"usage_type": {"enum": ["X_USES_TOTAL"]}}},
        {"required": ["max_uses_per_user"], "properties": {"max_uses_per_user": {"type": "integer"}}},
    ]]


class ApplicableOnOutput(serializers.Serializer):
    all = serializers.BooleanField()
    products = serializers.ListField(child=serializers.UUIDField())
    categories = serializers.ListField(child=serializers.UUIDField())
    product_prices = serializers.ListField(child=serializers.UUIDField())


class PromoGroupOutput(serializers.Serializer):
    codes = serializers.SerializerMethodField()
    discount_type = StrictCharField()
    usage_type = StrictCharField()
    fixed_discount = StrictDecimalField(max_digits=12, decimal_places=2, allow_null=True)
    percent_discount = StrictDecimalField(max_digits=5, decimal_places=2, allow_null=True)
    minimum_order_price = StrictDecimalField(source="minimum_amount", max_digits=12, decimal_places=2)
    expiry_date = serializers.DateField(allow_null=True)
    max_uses = serializers.IntegerField(allow_null=True)
    max_uses_per_user = serializers.IntegerField(allow_null=True)
    applicable_on = serializers.SerializerMethodField()
    id = serializers.UUIDField()
    shop_id = serializers.UUIDField(source="store_id")
    times_used = serializers.IntegerField(help_text="Units in paid and pending orders, all codes together")
    is_active = serializers.BooleanField()
    created = DateTimeField()

    def get_codes(self, promotion) -> list[str]:
        return [code.code for code in promotion.codes.all()]

    @extend_schema_field(ApplicableOnOutput)
    def get_applicable_on(self, promotion) -> dict:
        return {"all": promotion.applicable_all, "products": promotion.applicable_products,
                "categories": promotion.applicable_categories,
                "product_prices": promotion.applicable_product_prices}
