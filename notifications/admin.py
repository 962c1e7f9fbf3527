from django.contrib import admin, messages

from mookh.core.errors import DomainError
from notifications.models import OutboxMessage
from notifications.services import message_resend


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created", "channel", "template", "recipient", "status", "attempts", "next_attempt_at",
                    "sent_at", "last_error_short")
    list_filter = ("status", "channel", "template")
    search_fields = ("recipient", "dedupe_key", "order_id")
    date_hierarchy = "created"
    actions = ["resend"]
    # The outbox is written by services only; admin reads it and resends.
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description="last error")
    def last_error_short(self, obj):
        return obj.last_error[:80]

    @admin.action(description="Resend selected DEAD or PENDING messages")
    def resend(self, request, queryset):
        resent, refused = 0, 0
        for message_id in queryset.values_list("pk", flat=True):
            try:
                message_resend(message_id=message_id)
                resent += 1
            except DomainError:
                refused += 1
        self.message_user(request, f"{resent} message(s) queued again.", messages.SUCCESS)
        if refused:
            self.message_user(request, f"{refused} message(s) skipped: only DEAD or PENDING ones can be resent.",
                              messages.WARNING)
