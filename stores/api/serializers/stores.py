from rest_framework import serializers

from mookh.core.serializers import PhoneNumberField
from stores.api.fields import CurrencyField
from stores.models import Category, EventCategory, MediaType, Store, StoreAgent, StoreType


class StoreTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StoreType
        fields = ("id", "name")


class StoreContactsSerializer(serializers.Serializer):
    emails = serializers.ListField(child=serializers.EmailField(), default=list)
    phone_numbers = serializers.ListField(child=PhoneNumberField(), default=list)


class StoreSerializer(serializers.ModelSerializer):
    store_type_id = serializers.PrimaryKeyRelatedField(source="store_type", queryset=StoreType.objects.all())
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    default_currency = CurrencyField(required=False, help_text="ISO 4217; defaults to the country's currency.")
    store_contacts = StoreContactsSerializer(required=False)

    class Meta:
        model = Store
        fields = ("id", "store_name", "store_type_id", "owner", "country", "default_currency", "store_contacts",
                  "is_active", "created")
        read_only_fields = ("id", "created")


class StoreAgentSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)

    class Meta:
        model = StoreAgent
        fields = ("id", "store", "user", "email", "first_name", "last_name", "created")
        read_only_fields = fields


class StoreAgentAddSerializer(serializers.Serializer):
    email = serializers.EmailField()


class EventCategorySerializer(serializers.ModelSerializer):
    category_metadata = serializers.JSONField(required=False, allow_null=True)

    class Meta:
        model = EventCategory
        fields = ("id", "category_name", "event_label", "category_metadata")
        extra_kwargs = {"event_label": {"required": False, "allow_blank": True}}


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("id", "name")


class MediaTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediaType
        fields = ("id", "name")
