from rest_framework import serializers

from mookh.core.serializers import ModelSerializer, StrictCharField
from stores.api.fields import PricesField, image_upload_check, media_upload_check
from stores.models import Album, Category, MediaFile, MediaType, Store

POSITION_MAX = 2_147_483_647  # the largest value of the position column


class MediaFileSerializer(ModelSerializer):
    """A sold file's description; the file itself is reached only through a signed download link."""

    class Meta:
        model = MediaFile
        fields = ("id", "album", "title", "content_type", "size", "position", "created")
        read_only_fields = fields


class MediaFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Stored under a generated name; its own name (without the extension) "
                                           "is the default title.")
    title = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    position = serializers.IntegerField(min_value=0, max_value=POSITION_MAX, required=False)

    def validate_file(self, upload):
        return media_upload_check(upload)


class AlbumSerializer(ModelSerializer):
    store = serializers.PrimaryKeyRelatedField(queryset=Store.objects.all())
    store_name = StrictCharField(source="store.store_name", read_only=True)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    category_name = StrictCharField(source="category.name", read_only=True, allow_null=True)
    media_type = serializers.PrimaryKeyRelatedField(queryset=MediaType.objects.all())
    media_type_name = StrictCharField(source="media_type.name", read_only=True)
    authors = serializers.ListField(child=StrictCharField(max_length=200), required=False)
    thumbnail = serializers.ImageField(required=False, allow_null=True)
    prices = PricesField(required=False)
    currency = StrictCharField(source="store.default_currency", read_only=True)
    media_files = MediaFileSerializer(many=True, read_only=True)
    type_name = StrictCharField(source="TYPE_NAME", read_only=True,
                                      help_text=f"`{Album.TYPE_NAME}`: what an order line names as its type_name.")

    class Meta:
        model = Album
        fields = ("id", "name", "description", "store", "store_name", "category", "category_name", "media_type",
                  "media_type_name", "authors", "thumbnail", "prices", "currency", "is_published", "media_files",
                  "created", "updated", "type_name")
        read_only_fields = ("id", "created", "updated")
        extra_kwargs = {"description": {"required": False, "allow_blank": True}}

    def validate_thumbnail(self, upload):
        return image_upload_check(upload)
