import json

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder

from mookh.core.errors import DomainError
from notifications.models import OutboxMessage
from notifications.services import message_resend

SECRET_MASK = "•••••"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created", "channel", "template", "recipient", "status", "attempts", "next_attempt_at",
                    "sent_at", "last_error_short")
    list_filter = ("status", "channel", "template")
    search_fields = ("recipient", "dedupe_key", "order_id")
    date_hierarchy = "created"
    actions = ["resend"]
    # The outbox is written by services only; admin reads it and resends. Secrets are never shown.
    readonly_fields = [field.name if field.name != "context" else "context_masked"
                       for field in OutboxMessage._meta.fields]
    exclude = ("context",)

    def has_add_permission(self, request):
        return False

    @admin.display(description="context")
    def context_masked(self, obj):
        return json.dumps(obj.context_with_secrets(SECRET_MASK), ensure_ascii=False, indent=2,
                          cls=DjangoJSONEncoder)

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
