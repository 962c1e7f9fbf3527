"""The QR token: genuine ones verify with the public key alone; forged or altered ones never do.

No database here: a gate holding only public keys must be able to do exactly this.
"""
import base64
import uuid
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tickets.errors import TicketTokenInvalid
from tickets.tokens import (
    b64_decode, b64url_encode, key_id, private_key_parse, ticket_token_sign, ticket_token_verify,
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
TICKET, EVENT = uuid.uuid4(), uuid.uuid4()
ISSUED = datetime(2026, 3, 1, 18, 30, 5, tzinfo=timezone.utc)


def token(key=KEY, attendee="Amina Njeri"):
    return ticket_token_sign(private_key=key, ticket_id=TICKET, event_id=EVENT, attendee=attendee, issued_at=ISSUED)


def public(key=KEY):
    return key.public_key()


def test_verify_returns_claims_when_token_genuine_with_public_key_only():
    claims = ticket_token_verify(token(), [public()])
    assert (claims.ticket_id, claims.event_id, claims.attendee) == (TICKET, EVENT, "Amina Njeri")
    assert claims.issued_at == ISSUED and claims.key_id == key_id(public())


def test_verify_accepts_base64_public_key_and_key_id_mapping():
    raw = public().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert ticket_token_verify(token(), [base64.b64encode(raw).decode()]).ticket_id == TICKET
    assert ticket_token_verify(token(), {key_id(public()): raw}).ticket_id == TICKET


def test_token_is_compact_and_deterministic():
    assert token() == token()
    assert len(token()) < 200


@pytest.mark.parametrize("position", [0, 5, 20, 40, 60, 100, -1])
def test_verify_refuses_token_when_any_byte_altered(position):
    data = bytearray(b64_decode(token()))
    data[position] ^= 0x01
    with pytest.raises(TicketTokenInvalid):
        ticket_token_verify(b64url_encode(bytes(data)), [public()])


def test_verify_refuses_token_when_attendee_swapped():
    data = b64_decode(token(attendee="Amina Njeri"))
    forged = data[:45] + "Tom Mboya  ".encode() + data[-64:]
    with pytest.raises(TicketTokenInvalid):
        ticket_token_verify(b64url_encode(forged), [public()])


def test_verify_refuses_token_when_signed_by_another_key():
    with pytest.raises(TicketTokenInvalid):
        ticket_token_verify(token(OTHER), [public()])


def test_verify_refuses_token_when_another_key_claims_our_key_id():
    genuine = b64_decode(token())
    body = genuine[:-64]  # our key id in the header, signed by someone else
    with pytest.raises(TicketTokenInvalid):
        ticket_token_verify(b64url_encode(body + OTHER.sign(body)), [public()])


@pytest.mark.parametrize("code", ["", "x", "not base64 !!", "A" * 600, str(uuid.uuid4()), None, 42])
def test_verify_refuses_garbage(code):
    with pytest.raises(TicketTokenInvalid):
        ticket_token_verify(code, [public()])


def test_verify_refuses_truncated_token():
    with pytest.raises(TicketTokenInvalid):
        ticket_token_verify(token()[:-10], [public()])


def test_verify_accepts_retired_key_when_listed_after_rotation():
    old = token(OTHER)
    assert ticket_token_verify(old, [public(), public(OTHER)]).ticket_id == TICKET
    with pytest.raises(TicketTokenInvalid):
        ticket_token_verify(old, [public()])


def test_long_attendee_is_cut_on_a_character_boundary():
    claims = ticket_token_verify(token(attendee="Zoë " * 40), [public()])
    assert len(claims.attendee.encode()) <= 64 and claims.attendee.startswith("Zoë Zoë")


def test_private_key_parses_from_base64_seed_and_pem():
    seed = base64.b64encode(bytes(range(32))).decode()
    pem = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    for value in (seed, pem, pem.replace("\n", "\\n")):
        assert key_id(private_key_parse(value).public_key()) == key_id(public())
    with pytest.raises(ValueError):
        private_key_parse("dG9vIHNob3J0")
