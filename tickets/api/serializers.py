"""Shapes of the ticket, gate and check-in endpoints (validation of input shape only)."""
from django.conf import settings
from rest_framework import serializers

from mookh.core.serializers import DateTimeField, StrictCharField, StrictRegexField
from tickets.models import IssuedTicketStatus, ScanResult


class TicketFileOutput(serializers.Serializer):
    id = serializers.UUIDField()
    attendee = StrictCharField()
    status = serializers.ChoiceField(choices=IssuedTicketStatus.choices)
    url = serializers.URLField()
    qr_url = serializers.URLField()


class OrderTicketOutput(TicketFileOutput):
    order_number = StrictCharField()
    ticket_name = StrictCharField()
    event = serializers.UUIDField()
    event_name = StrictCharField()
    event_venue = StrictCharField(allow_null=True)
    start_date = DateTimeField()
    issued_at = DateTimeField()
    checked_in_at = DateTimeField(allow_null=True)
    token = StrictCharField(allow_null=True, help_text="What the QR code holds; null once void.")


class OrderTicketsOutput(serializers.Serializer):
    order = serializers.UUIDField()
    tickets = OrderTicketOutput(many=True)


class PublicKeyOutput(serializers.Serializer):
    key_id = StrictCharField()
    algorithm = StrictCharField()
    public_key = StrictCharField(help_text="Base64 of the raw 32-byte Ed25519 public key.")
    current = serializers.BooleanField()


class CheckInKeyOutput(serializers.Serializer):
    event = serializers.UUIDField()
    algorithm = StrictCharField()
    key_id = StrictCharField(help_text="The key signing new tickets.")
    public_key = StrictCharField()
    format = StrictCharField(help_text="Token layout: see tickets/tokens.py.")
    keys = PublicKeyOutput(many=True, help_text="Every key a ticket may be signed with, current first.")


class CheckInListQuery(serializers.Serializer):
    since = DateTimeField(required=False, help_text="Only tickets changed after this time.")


class CheckInListOutput(serializers.Serializer):
    event = serializers.UUIDField()
    since = DateTimeField(allow_null=True)
    next_since = DateTimeField(help_text="Pass as `since` next time (lists overlap a little).")
    issued = serializers.ListField(child=serializers.UUIDField(), help_text="Valid or checked-in ticket ids.")
    checked_in = serializers.ListField(child=serializers.UUIDField())
    void = serializers.ListField(child=serializers.UUIDField())


class CheckInInput(serializers.Serializer):
    code = StrictCharField(max_length=512, help_text="The QR code's token, or the ticket id.")
    event = serializers.UUIDField(required=False, help_text="Refuse tickets of any other event.")
    gate = StrictCharField(max_length=64, required=False, allow_blank=True, default="")


class AgentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    name = StrictCharField()


class CheckInOutput(serializers.Serializer):
    ticket_id = serializers.UUIDField()
    status = StrictCharField()
    attendee = StrictCharField()
    ticket_name = StrictCharField()
    event = serializers.UUIDField()
    event_name = StrictCharField()
    order_number = StrictCharField()
    checked_in_at = DateTimeField()
    gate = StrictCharField()


class AlreadyCheckedInOutput(serializers.Serializer):
    detail = StrictCharField()
    code = StrictCharField()
    ticket_id = serializers.UUIDField()
    attendee = StrictCharField()
    checked_in_at = DateTimeField()
    checked_in_by = AgentOutput(allow_null=True)
    gate = StrictCharField()


class ScanInput(serializers.Serializer):
    schema_rules = [[{"required": ["code"]}, {"required": ["token"]}]]  # validate() below
    scan_id = StrictRegexField(r"^[A-Za-z0-9_.-]{1,64}$", help_text="Unique among this account's scans "
                                     "(a UUID): a retried upload applies once.")
    code = StrictCharField(max_length=512, required=False, help_text="The token, or the ticket id.")
    token = StrictCharField(max_length=512, required=False, write_only=True, help_text="Same as `code`.")
    scanned_at = DateTimeField()
    gate = StrictCharField(max_length=64, required=False, allow_blank=True, default="")
    event = serializers.UUIDField(required=False)

    def validate(self, data):
        token = data.pop("token", None)
        data["code"] = data.get("code") or token
        if not data["code"]:
            raise serializers.ValidationError({"code": ["This field is required."]})
        return data


class ScanBatchInput(serializers.ListSerializer):
    child = ScanInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("child", ScanInput())
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", settings.CHECK_IN_BATCH_MAX_SCANS)
        super().__init__(*args, **kwargs)


class ScanOutput(serializers.Serializer):
    scan_id = StrictCharField()
    status = serializers.ChoiceField(choices=ScanResult.choices)
    replayed = serializers.BooleanField(help_text="This account uploaded this scan id before; its first result.")
    scanned_at = DateTimeField()
    gate = StrictCharField()
    ticket_id = serializers.UUIDField(allow_null=True)
    attendee = StrictCharField(allow_null=True)
    ticket_name = StrictCharField(allow_null=True)


class DuplicateScanOutput(serializers.Serializer):
    scan_id = StrictCharField()
    status = serializers.ChoiceField(choices=ScanResult.choices)
    scanned_at = DateTimeField()
    gate = StrictCharField()
    agent = AgentOutput(allow_null=True)


class DuplicateOutput(serializers.Serializer):
    ticket_id = serializers.UUIDField()
    attendee = StrictCharField()
    ticket_name = StrictCharField()
    checked_in_at = DateTimeField(help_text="The earliest scan's time: the one that counts.")
    gate = StrictCharField()
    checked_in_by = AgentOutput(allow_null=True)
    scans = DuplicateScanOutput(many=True)


class ScanBatchOutput(serializers.Serializer):
    results = ScanOutput(many=True)
    duplicates = DuplicateOutput(many=True, help_text="Tickets scanned more than once, for staff to look at.")
