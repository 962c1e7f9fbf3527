"""Gate check-in: online scans and uploads from offline gates. Race-free by conditional UPDATEs.

A ticket is checked in by the one UPDATE that finds it VALID; a second gate's UPDATE finds it
CHECKED_IN and the scan is refused with the first scan's time and agent. An offline scan made
earlier than the recorded check-in takes its place (UPDATE … WHERE checked_in_at > scanned_at):
the earliest scan wins, whatever order the uploads arrive in.
"""
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from mookh.core.datetimes import iso_datetime
from stores.models import StoreAgent
from stores.selectors import catalog_access
from tickets.errors import (
    IssuedTicketNotFound, IssuedTicketVoid, TicketAlreadyCheckedIn, TicketTokenInvalid,
)
from tickets.keys import ticket_keys
from tickets.models import CheckInScan, IssuedTicket, IssuedTicketStatus, ScanResult
from tickets.tokens import TicketClaims, ticket_token_verify
from users.selectors import user_is_super_admin

logger = logging.getLogger(__name__)
S = IssuedTicketStatus


@dataclass(frozen=True)
class ScanOutcome:
    scan_id: str
    result: str
    scanned_at: datetime
    gate: str
    ticket: IssuedTicket | None = None
    replayed: bool = False


@dataclass(frozen=True)
class BatchOutcome:
    results: list[ScanOutcome]
    duplicates: list[IssuedTicket] = field(default_factory=list)  # with their scans prefetched


def _ticket_ref(code: str) -> tuple[uuid.UUID, TicketClaims | None]:
    """A scanned code is a ticket id (typed in by hand) or a signed QR token."""
    code = (code or "").strip()
    try:
        return uuid.UUID(code), None
    except ValueError:
        claims = ticket_token_verify(code, ticket_keys().verify)
        return claims.ticket_id, claims


def _matches(ticket: IssuedTicket | None, *, claims, event_id) -> bool:
    if ticket is None:
        return False
    if claims is not None and claims.event_id != ticket.event_id:
        return False
    return not event_id or str(ticket.event_id) == str(event_id)


def _first_scan(ticket: IssuedTicket) -> dict:
    agent = ticket.checked_in_by
    return {
        "ticket_id": str(ticket.pk), "attendee": ticket.attendee,
        "checked_in_at": iso_datetime(ticket.checked_in_at),
        "checked_in_by": {"id": str(agent.pk), "email": agent.email,
                          "name": f"{agent.first_name} {agent.last_name}".strip()} if agent else None,
        "gate": ticket.checked_in_gate,
    }


def _check_in_update(ticket_id, *, at, agent, gate: str) -> str | None:
    """"first": VALID → CHECKED_IN; "earlier": this scan predates the recorded check-in and replaces
    it; None: the ticket is void or was checked in at or before `at`."""
    values = {"checked_in_at": at, "checked_in_by": agent, "checked_in_gate": gate, "updated": timezone.now()}
    if IssuedTicket.objects.filter(pk=ticket_id, status=S.VALID).update(status=S.CHECKED_IN, **values):
        return "first"
    if IssuedTicket.objects.filter(pk=ticket_id, status=S.CHECKED_IN, checked_in_at__gt=at).update(**values):
        return "earlier"
    return None


# What a scan reads and answers with; the rest of the rows stays in the database.
GATE_FIELDS = ("order_id", "order_line_id", "sequence", "ticket_id", "event_id", "attendee", "status", "issued_at",
               "checked_in_at", "checked_in_by_id", "checked_in_gate", "voided_at", "created", "updated",
               "ticket__ticket_name", "event__event_name", "event__store__owner_id", "order__order_number")


def _ticket_for_gate(ticket_id, *, agent) -> IssuedTicket | None:
    """The ticket and whether `agent` works at its event's store, in one query (the gate's hot path)."""
    agents = StoreAgent.objects.filter(store_id=OuterRef("event__store_id"), user_id=agent.pk)
    return (IssuedTicket.objects.select_related("ticket", "event__store", "order").only(*GATE_FIELDS)
            .annotate(agent_of_store=Exists(agents)).filter(pk=ticket_id).order_by().first())


@transaction.atomic
def ticket_check_in(*, code: str, agent, event_id=None, gate: str = "") -> IssuedTicket:
    """Admit the holder of `code` now: 404 unknown, void or not this agent's event; 409 when already in."""
    ticket_id, claims = _ticket_ref(code)
    ticket = _ticket_for_gate(ticket_id, agent=agent)
    if not _matches(ticket, claims=claims, event_id=event_id) or not (
            ticket.event.store.owner_id == agent.pk or ticket.agent_of_store or user_is_super_admin(agent)):
        raise IssuedTicketNotFound()
    if ticket.status == S.VALID:
        now = timezone.now()
        if IssuedTicket.objects.filter(pk=ticket.pk, status=S.VALID).update(
                status=S.CHECKED_IN, checked_in_at=now, checked_in_by=agent, checked_in_gate=gate, updated=now):
            ticket.status, ticket.checked_in_at, ticket.checked_in_by, ticket.checked_in_gate = S.CHECKED_IN, now, \
                agent, gate
            # The audit trail: an offline scan made earlier can still take this check-in's place.
            CheckInScan.objects.create(scan_id=f"online:{ticket.pk}", issued_ticket=ticket, gate=gate, scanned_at=now,
                                       agent=agent, result=ScanResult.CHECKED_IN)
            return ticket
    ticket = IssuedTicket.objects.select_related("checked_in_by").get(pk=ticket.pk)
    if ticket.status == S.VOID:
        raise IssuedTicketVoid(ticket_id=str(ticket.pk))
    raise TicketAlreadyCheckedIn(**_first_scan(ticket))


def check_in_batch(*, scans: list[dict], agent) -> BatchOutcome:
    """Apply scans an offline gate made: each `scan_id` once per agent, the earliest scan of a ticket wins.

    `scans`: dicts with scan_id, code, scanned_at and optionally gate and event.
    """
    try:
        return _batch_apply(scans=scans, agent=agent)
    except IntegrityError:
        # This agent's scan ids uploaded concurrently: the other upload has committed them, replay them.
        return _batch_apply(scans=scans, agent=agent)


def _resolve(scan: dict) -> tuple[uuid.UUID | None, TicketClaims | None]:
    try:
        return _ticket_ref(scan["code"])
    except TicketTokenInvalid:
        return None, None


@transaction.atomic
def _batch_apply(*, scans: list[dict], agent) -> BatchOutcome:
    now = timezone.now()
    unique = list({scan["scan_id"]: scan for scan in reversed(scans)}.values())[::-1]  # first of each scan_id
    scan_ids = [scan["scan_id"] for scan in unique]
    known = {row.scan_id: row for row in CheckInScan.objects.filter(agent=agent, scan_id__in=scan_ids)
             .select_related("issued_ticket__ticket")}
    fresh = [scan for scan in unique if scan["scan_id"] not in known]
    refs = {scan["scan_id"]: _resolve(scan) for scan in fresh}
    tickets = IssuedTicket.objects.select_related("ticket", "event").in_bulk(
        [ticket_id for ticket_id, _ in refs.values() if ticket_id])
    access = catalog_access(agent)
    rows, displaced = [], set()
    # Ticket by ticket, earliest scan first: locks are taken in one order, the first scan wins.
    for scan in sorted(fresh, key=lambda s: (str(refs[s["scan_id"]][0]), s["scanned_at"])):
        ticket_id, claims = refs[scan["scan_id"]]
        ticket = tickets.get(ticket_id) if ticket_id else None
        at = min(scan["scanned_at"], now)  # a gate's clock may be off: never later than now…
        if ticket_id is None:
            result = ScanResult.INVALID
        elif not _matches(ticket, claims=claims, event_id=scan.get("event")) or not access.can_read(
                ticket.event.store_id):
            result, ticket = ScanResult.NOT_FOUND, None
        else:
            at = max(at, ticket.issued_at)  # …nor before the ticket existed
            result = _scan_apply(ticket, at=at, agent=agent, gate=scan.get("gate", ""), displaced=displaced)
        rows.append(CheckInScan(scan_id=scan["scan_id"], issued_ticket=ticket, gate=scan.get("gate", ""),
                                scanned_at=at, agent=agent, result=result))
    CheckInScan.objects.bulk_create(rows)
    return _outcome(unique, known=known, rows={row.scan_id: row for row in rows}, displaced=displaced)


def _scan_apply(ticket: IssuedTicket, *, at, agent, gate: str, displaced: set) -> str:
    applied = _check_in_update(ticket.pk, at=at, agent=agent, gate=gate)
    if applied == "earlier":
        # The scan that held the check-in until now becomes a duplicate of this earlier one.
        CheckInScan.objects.filter(issued_ticket=ticket, result=ScanResult.CHECKED_IN).update(
            result=ScanResult.ALREADY_CHECKED_IN)
        displaced.add(ticket.pk)
    if applied:
        return ScanResult.CHECKED_IN
    status = IssuedTicket.objects.filter(pk=ticket.pk).values_list("status", flat=True).first()
    return ScanResult.VOID if status == S.VOID else ScanResult.ALREADY_CHECKED_IN


def _outcome(scans, *, known: dict, rows: dict, displaced: set) -> BatchOutcome:
    results = []
    for scan in scans:
        row, replayed = (known[scan["scan_id"]], True) if scan["scan_id"] in known else (rows[scan["scan_id"]], False)
        results.append(ScanOutcome(scan_id=row.scan_id, result=row.result, scanned_at=row.scanned_at, gate=row.gate,
                                   ticket=row.issued_ticket, replayed=replayed))
    contested = displaced | {row.issued_ticket_id for row in rows.values()
                             if row.result == ScanResult.ALREADY_CHECKED_IN}
    duplicates = list(IssuedTicket.objects.filter(pk__in=contested).select_related("ticket", "checked_in_by")
                      .prefetch_related("scans__agent").order_by("pk")) if contested else []
    if duplicates:
        logger.info("check-in upload: %d tickets scanned more than once", len(duplicates))
    return BatchOutcome(results=results, duplicates=duplicates)
