"""Issued tickets, check-ins and scan uploads as the API answers them (shapes in serializers.py)."""
from mookh.core.datetimes import iso_datetime
from orders.links import issued_ticket_file
from tickets.checkin import BatchOutcome, ScanOutcome
from tickets.models import IssuedTicket, IssuedTicketStatus
from tickets.qr import issued_ticket_token


def agent_representation(user) -> dict | None:
    if user is None:
        return None
    return {"id": str(user.pk), "email": user.email, "name": f"{user.first_name} {user.last_name}".strip()}


def order_ticket_representation(ticket: IssuedTicket, request=None) -> dict:
    """A buyer's ticket with the token its QR code holds (signed here, no query); no token once void."""
    event = ticket.event
    return {
        **issued_ticket_file(ticket, request), "order_number": ticket.order.order_number,
        "ticket_name": ticket.ticket.ticket_name, "event": str(event.pk), "event_name": event.event_name,
        "event_venue": event.event_venue, "start_date": iso_datetime(event.start_date),
        "issued_at": iso_datetime(ticket.issued_at), "checked_in_at": iso_datetime(ticket.checked_in_at),
        "token": issued_ticket_token(ticket) if ticket.status != IssuedTicketStatus.VOID else None,
    }


def check_in_representation(ticket: IssuedTicket) -> dict:
    return {
        "ticket_id": str(ticket.pk), "status": ticket.status, "attendee": ticket.attendee,
        "ticket_name": ticket.ticket.ticket_name, "event": str(ticket.event_id), "event_name": ticket.event.event_name,
        "order_number": ticket.order.order_number, "checked_in_at": iso_datetime(ticket.checked_in_at),
        "gate": ticket.checked_in_gate,
    }


def _scan_representation(outcome: ScanOutcome) -> dict:
    ticket = outcome.ticket
    return {
        "scan_id": outcome.scan_id, "status": outcome.result, "replayed": outcome.replayed,
        "scanned_at": iso_datetime(outcome.scanned_at), "gate": outcome.gate,
        "ticket_id": str(ticket.pk) if ticket else None, "attendee": ticket.attendee if ticket else None,
        "ticket_name": ticket.ticket.ticket_name if ticket else None,
    }


def _duplicate_representation(ticket: IssuedTicket) -> dict:
    return {
        "ticket_id": str(ticket.pk), "attendee": ticket.attendee, "ticket_name": ticket.ticket.ticket_name,
        "checked_in_at": iso_datetime(ticket.checked_in_at), "gate": ticket.checked_in_gate,
        "checked_in_by": agent_representation(ticket.checked_in_by),
        "scans": [{"scan_id": scan.scan_id, "status": scan.result, "scanned_at": iso_datetime(scan.scanned_at),
                   "gate": scan.gate, "agent": agent_representation(scan.agent)} for scan in ticket.scans.all()],
    }


def batch_representation(outcome: BatchOutcome) -> dict:
    return {"results": [_scan_representation(result) for result in outcome.results],
            "duplicates": [_duplicate_representation(ticket) for ticket in outcome.duplicates]}
