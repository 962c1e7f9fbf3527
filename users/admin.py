from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from users.models import OneTimeCode, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("-date_joined",)
    list_display = ("email", "first_name", "last_name", "phone_number", "is_verified", "is_active", "date_joined")
    list_filter = ("is_verified", "is_active", "is_staff", "groups")
    search_fields = ("email", "first_name", "last_name", "phone_number")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("first_name", "last_name", "phone_number", "profile_photo")}),
        ("Status", {"fields": ("is_verified", "is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
        # Clearing "codes locked until" lets the account use one-time codes again at once.
        ("Security", {"fields": ("tokens_valid_after", "code_failures", "code_failures_since",
                                 "codes_locked_until")}),
    )
    readonly_fields = ("tokens_valid_after", "code_failures", "code_failures_since")
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ("groups",)


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(admin.ModelAdmin):
    list_display = ("user", "purpose", "created", "expires_at", "failed_attempts", "used_at")
    list_filter = ("purpose",)
    search_fields = ("user__email",)
    readonly_fields = ("user", "purpose", "code_hash", "expires_at", "failed_attempts", "used_at", "created")
