from django.contrib.auth.models import Group
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from mookh.core.serializers import ModelSerializer, PhoneNumberField, StrictCharField, StrictRegexField, validate_upload
from users.authentication import AUTH_TIME_CLAIM
from users.models import User
from users.selectors import user_roles

PHOTO_MAX_BYTES = 5 * 1024 * 1024


class UserSerializer(ModelSerializer):
    phone_number = PhoneNumberField(required=False, allow_blank=True)
    groups = serializers.PrimaryKeyRelatedField(many=True, queryset=Group.objects.all(), required=False)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "first_name", "last_name", "phone_number", "email", "profile_photo",
                  "groups", "roles", "is_verified")
        read_only_fields = ("id", "is_verified")

    @extend_schema_field(serializers.ListField(child=StrictCharField()))
    def get_roles(self, user):
        return user_roles(user)

    def validate_profile_photo(self, upload):
        if upload is None:
            return upload
        return validate_upload(upload, max_bytes=PHOTO_MAX_BYTES, content_types=("image/",))


class SelfUserSerializer(UserSerializer):
    """What a user may change about themselves: not their email nor their roles."""

    groups = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(UserSerializer.Meta):
        read_only_fields = ("id", "is_verified", "email", "groups")


class RegistrationSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = StrictCharField(write_only=True, trim_whitespace=False)
    confirm_password = StrictCharField(write_only=True, trim_whitespace=False)
    first_name = StrictCharField(required=False, allow_blank=True, max_length=150, default="")
    last_name = StrictCharField(required=False, allow_blank=True, max_length=150, default="")
    phone_number = PhoneNumberField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["password"] != attrs.pop("confirm_password"):
            raise serializers.ValidationError({"confirm_password": ["The passwords do not match."]})
        return attrs


class VerificationSerializer(serializers.Serializer):
    email = serializers.EmailField()
    code = StrictRegexField(r"^\d{5}$", error_messages={"invalid": "Enter the 5-digit code."})


class EmailSerializer(serializers.Serializer):
    email = serializers.EmailField()


class PasswordResetConfirmSerializer(VerificationSerializer):
    password = StrictCharField(write_only=True, trim_whitespace=False)
    confirm_password = StrictCharField(write_only=True, trim_whitespace=False)

    def validate(self, attrs):
        if attrs["password"] != attrs.pop("confirm_password"):
            raise serializers.ValidationError({"confirm_password": ["The passwords do not match."]})
        return attrs


class MessageSerializer(serializers.Serializer):
    message = serializers.ListField(child=StrictCharField())


class TokenSerializer(TokenObtainPairSerializer):
    """Email + password; an unverified account is told so instead of getting tokens."""

    default_error_messages = {
        "no_active_account": "No active account found with the given email and password.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # simplejwt's own fields would read a number or true as the email or the password.
        self.fields[self.username_field] = StrictCharField(write_only=True)
        self.fields["password"] = StrictCharField(write_only=True, trim_whitespace=False,
                                                  style={"input_type": "password"})

    @classmethod
    def get_token(cls, user):
        token = super().get_token(user)
        token[AUTH_TIME_CLAIM] = round(token.current_time.timestamp(), 6)
        return token

    def validate(self, attrs):
        attrs[self.username_field] = (attrs.get(self.username_field) or "").strip().lower()
        data = super().validate(attrs)
        if not self.user.is_verified:
            raise AuthenticationFailed(
                "This account is not verified yet: enter the code we emailed you.", code="account_not_verified"
            )
        return data
