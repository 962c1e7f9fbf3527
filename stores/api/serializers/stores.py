from rest_framework import serializers

from mookh.core.serializers import ModelSerializer, PhoneNumberField, StorableJSONField, StrictCharField
from stores.api.fields import CurrencyField
from stores.models import Category, EventCategory, MediaType, Store, StoreAgent, StoreAgentInvitation, StoreType


class StoreTypeSerializer(ModelSerializer):
    class Meta:
        model = StoreType
        fields = ("id", "name")


class StoreContactsSerializer(serializers.Serializer):
    emails = serializers.ListField(child=serializers.EmailField(), default=list)
    phone_numbers = serializers.ListField(child=PhoneNumberField(), default=list)


class StoreSerializer(ModelSerializer):
    store_type_id = serializers.PrimaryKeyRelatedField(source="store_type", queryset=StoreType.objects.all())
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    default_currency = CurrencyField(required=False, help_text="ISO 4217; defaults to the country's currency.")
    store_contacts = StoreContactsSerializer(required=False)

    class Meta:
        model = Store
        fields = ("id", "store_name", "store_type_id", "owner", "country", "default_currency", "store_contacts",
                  "is_active", "created")
        read_only_fields = ("id", "created")


class StoreAgentSerializer(ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    first_name = StrictCharField(source="user.first_name", read_only=True)
    last_name = StrictCharField(source="user.last_name", read_only=True)

    class Meta:
        model = StoreAgent
        fields = ("id", "store", "user", "email", "first_name", "last_name", "created")
        read_only_fields = fields


class StoreAgentInviteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="The address to invite.")


class StoreAgentInviteResultSerializer(serializers.Serializer):
    """The same answer whatever the address: it says nothing about whether it has an account."""

    detail = StrictCharField()


class StoreAgentInvitationSerializer(ModelSerializer):
    """An invitation as the invited person sees it (never the inviter's email)."""

    store_name = StrictCharField(source="store.store_name", read_only=True)
    invited_by_name = serializers.SerializerMethodField()

    class Meta:
        model = StoreAgentInvitation
        fields = ("id", "store", "store_name", "invited_by_name", "status", "created", "expires_at", "responded_at")
        read_only_fields = fields

    def get_invited_by_name(self, invitation) -> str:
        """The inviter's name; empty when they gave none or no longer exist."""
        return invitation.invited_by.full_name if invitation.invited_by else ""


class EventCategorySerializer(ModelSerializer):
    category_metadata = StorableJSONField(required=False, allow_null=True)

    class Meta:
        model = EventCategory
        fields = ("id", "category_name", "event_label", "category_metadata")
        extra_kwargs = {"event_label": {"required": False, "allow_blank": True}}


class CategorySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ("id", "name")


class MediaTypeSerializer(ModelSerializer):
    class Meta:
        model = MediaType
        fields = ("id", "name")
