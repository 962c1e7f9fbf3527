from django.contrib import admin

from notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created", "channel", "template", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "template")
    search_fields = ("recipient", "dedupe_key")
    readonly_fields = ("created", "updated", "sent_at", "claimed_at", "attempts")
