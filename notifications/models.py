from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from mookh.core.models import TimeStamped


class OutboxMessage(TimeStamped):
    """A message to deliver, written in the same transaction as the change that causes it.

    PENDING → SENDING (claimed under a row lock) → SENT; a transient failure returns it to
    PENDING with `next_attempt_at`, a permanent one or the last allowed attempt makes it DEAD.
    A message over its recipient's hourly limit is DEAD too, with last_error "rate_limited: …".

    The values of `secret_keys` in `context` (one-time codes) are replaced with SECRET_REMOVED
    as soon as the message is SENT or DEAD; admin never shows them.
    """

    SECRET_REMOVED = "[removed]"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        PENDING = "PENDING"
        SENDING = "SENDING"
        SENT = "SENT"
        DEAD = "DEAD"

    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    template = models.CharField(max_length=64)
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    secret_keys = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    # Idempotency is a unique constraint: the same event can never queue the same message twice.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    # A plain UUID, not a foreign key: notifications must not depend on the orders schema.
    order_id = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["status", "claimed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="SENT", sent_at__isnull=False) | (~Q(status="SENT") & Q(sent_at__isnull=True)),
                name="outbox_sent_at_iff_sent",
            ),
            models.CheckConstraint(condition=~Q(status="SENDING") | Q(claimed_at__isnull=False),
                                   name="outbox_sending_is_claimed"),
        ]

    def __str__(self):
        return f"{self.channel} {self.template} to {self.recipient} ({self.status})"

    def context_with_secrets(self, replacement: str) -> dict:
        """The context with the value of every secret key replaced."""
        secrets = set(self.secret_keys or ())
        return {key: replacement if key in secrets else value for key, value in (self.context or {}).items()}
