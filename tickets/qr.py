"""A ticket's QR code: its signed token, drawn as a PNG."""
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from tickets.keys import ticket_keys
from tickets.models import IssuedTicket
from tickets.tokens import ticket_token_sign


def issued_ticket_token(ticket: IssuedTicket) -> str:
    """The same token every time for a ticket and key (Ed25519 signatures are deterministic)."""
    return ticket_token_sign(private_key=ticket_keys().signing, ticket_id=ticket.pk, event_id=ticket.event_id,
                             attendee=ticket.attendee, issued_at=ticket.issued_at)


def qr_png(text: str, *, box_size: int = 8) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
