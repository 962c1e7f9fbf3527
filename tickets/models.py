"""Issued tickets and gate scans."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from mookh.core.models import TimeStamped
from stores.models import Event


class IssuedTicketStatus(models.TextChoices):
    VALID = "VALID"
    CHECKED_IN = "CHECKED_IN"
    VOID = "VOID"


class IssuedTicket(TimeStamped):
    """One admission: a unit of a ticket type in a paid order. Its UUID is unguessable (uuid4).

    `status` moves only through conditional UPDATEs (tickets.services); `updated` is set
    by every change, so that gates can fetch what changed since their last sync.
    """

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="issued_tickets")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.CASCADE, related_name="issued_tickets")
    sequence = models.PositiveSmallIntegerField(help_text="1 … the line's item_quantity")
    ticket = models.ForeignKey("stores.Ticket", on_delete=models.PROTECT, related_name="issued_tickets")
    event = models.ForeignKey("stores.Event", on_delete=models.PROTECT, related_name="issued_tickets")
    attendee = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=IssuedTicketStatus.choices, default=IssuedTicketStatus.VALID)
    issued_at = models.DateTimeField(help_text="Whole seconds: signed into the QR code")
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    checked_in_gate = models.CharField(max_length=64, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "sequence"]
        indexes = [models.Index(fields=["event", "updated"], name="issued_ticket_event_updated")]
        constraints = [
            # Idempotent issuance: paying twice or a retried task cannot issue a unit twice.
            models.UniqueConstraint(fields=["order_line", "sequence"], name="issued_ticket_line_sequence_unique"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="issued_ticket_sequence_positive"),
            models.CheckConstraint(condition=~Q(status=IssuedTicketStatus.CHECKED_IN) | Q(checked_in_at__isnull=False),
                                   name="issued_ticket_checked_in_has_time"),
        ]

    def __str__(self):
        return f"{self.attendee} ({self.pk})"


class ScanResult(models.TextChoices):
    CHECKED_IN = "checked_in"
    ALREADY_CHECKED_IN = "already_checked_in"
    VOID = "ticket_void"
    NOT_FOUND = "ticket_not_found"
    INVALID = "ticket_token_invalid"


class CheckInScan(models.Model):
    """A gate scan: every online check-in ("online:<ticket id>") and every scan an offline gate uploaded.

    A `scan_id` names a scan of one account's devices: unique per agent, so that a retried upload applies
    once and no account can take another's scan id first."""

    scan_id = models.CharField(max_length=64)
    issued_ticket = models.ForeignKey(IssuedTicket, on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="scans")
    gate = models.CharField(max_length=64, blank=True)
    scanned_at = models.DateTimeField()
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    result = models.CharField(max_length=24, choices=ScanResult.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scanned_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["agent", "scan_id"], name="check_in_scan_once_per_agent")]

    def __str__(self):
        return f"scan {self.scan_id}: {self.result}"


class EventCheckIns(Event):
    """Events as seen from the gate: issued, checked-in and void counts in the admin."""

    class Meta:
        proxy = True
        verbose_name = "event check-ins"
        verbose_name_plural = "event check-ins"
