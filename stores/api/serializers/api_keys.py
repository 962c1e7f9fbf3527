from rest_framework import serializers

from mookh.core.serializers import ModelSerializer, StrictCharField
from stores.models import StoreApiKey


class StoreApiKeySerializer(ModelSerializer):
    """A key as listed: never its token."""

    created_by = serializers.EmailField(source="created_by.email", read_only=True, allow_null=True)

    class Meta:
        model = StoreApiKey
        fields = ("id", "store", "name", "app_id", "token_hint", "created_by", "created")
        read_only_fields = fields


class StoreApiKeyCreateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100, help_text="What the key is for, e.g. the shop that uses it.")


class StoreApiKeyIssuedSerializer(StoreApiKeySerializer):
    """A new key with its secret token: shown this once, kept only as a digest."""

    app_token = StrictCharField(read_only=True)

    class Meta(StoreApiKeySerializer.Meta):
        fields = (*StoreApiKeySerializer.Meta.fields, "app_token")
        read_only_fields = fields
