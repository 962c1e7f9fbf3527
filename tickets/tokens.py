"""The QR code on a ticket: a compact token signed with Ed25519, verifiable offline.

Layout (then base64url without padding):

    version    1 byte    0x01
    key id     8 bytes   first 8 bytes of SHA-256 of the raw 32-byte public key
    ticket id  16 bytes  UUID
    event id   16 bytes  UUID
    issued at  4 bytes   Unix seconds, unsigned big-endian
    attendee   n bytes   UTF-8, at most 64 bytes
    signature  64 bytes  Ed25519 over every byte above

A gate needs only the public keys (GET /stores/event/{id}/check_in_key/) to tell a genuine
ticket from a forged or altered one. Nothing here touches Django settings or the database.
"""
import base64
import binascii
import hashlib
import struct
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tickets.errors import TicketTokenInvalid

VERSION = 1
ALGORITHM = "Ed25519"
FORMAT = "mookh-ticket-v1"
ATTENDEE_MAX_BYTES = 64
_HEADER = struct.Struct(">B8s16s16sI")
_SIGNATURE_BYTES = 64
_TOKEN_MAX_CHARS = 512


@dataclass(frozen=True)
class TicketClaims:
    ticket_id: uuid.UUID
    event_id: uuid.UUID
    attendee: str
    issued_at: datetime
    key_id: str


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_decode(text: str) -> bytes:
    """Standard or URL-safe base64, padding optional."""
    text = text.strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def public_key_raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """16 hex digits naming a key pair; carried in every token so that keys can rotate."""
    return hashlib.sha256(public_key_raw(public_key)).digest()[:8].hex()


def public_key_parse(value: str | bytes | Ed25519PublicKey) -> Ed25519PublicKey:
    """A public key from base64 of its raw 32 bytes, a PEM (SubjectPublicKeyInfo) or the key itself."""
    if isinstance(value, Ed25519PublicKey):
        return value
    if isinstance(value, str) and value.strip().startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(value.strip().encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    raw = value if isinstance(value, bytes) else b64_decode(value)
    return Ed25519PublicKey.from_public_bytes(raw)


def private_key_parse(value: str) -> Ed25519PrivateKey:
    """A signing key from base64 of its raw 32-byte seed or from a PKCS#8 PEM."""
    value = value.strip().replace("\\n", "\n")
    if value.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(value.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")
        return key
    return Ed25519PrivateKey.from_private_bytes(b64_decode(value))


def _attendee_bytes(attendee: str) -> bytes:
    data = (attendee or "").encode("utf-8")[:ATTENDEE_MAX_BYTES]
    return data.decode("utf-8", errors="ignore").encode("utf-8")  # never cut a character in half


def ticket_token_sign(*, private_key: Ed25519PrivateKey, ticket_id, event_id, attendee: str,
                      issued_at: datetime) -> str:
    """The token for one ticket. Ed25519 is deterministic: the same ticket gives the same token."""
    body = _HEADER.pack(VERSION, bytes.fromhex(key_id(private_key.public_key())), uuid.UUID(str(ticket_id)).bytes,
                        uuid.UUID(str(event_id)).bytes, int(issued_at.timestamp())) + _attendee_bytes(attendee)
    return b64url_encode(body + private_key.sign(body))


def _keys_by_id(public_keys) -> dict[str, Ed25519PublicKey]:
    if isinstance(public_keys, Mapping):
        return {kid: public_key_parse(key) for kid, key in public_keys.items()}
    keys = [public_key_parse(key) for key in (public_keys if isinstance(public_keys, Iterable) else [public_keys])]
    return {key_id(key): key for key in keys}


def ticket_token_verify(token: str, public_keys) -> TicketClaims:
    """The claims of a genuine token; TicketTokenInvalid for anything forged, altered or unknown.

    `public_keys`: Ed25519 public keys (objects, raw bytes or base64), or a mapping key id → key.
    """
    if not isinstance(token, str) or not token or len(token) > _TOKEN_MAX_CHARS:
        raise TicketTokenInvalid()
    try:
        data = b64_decode(token)
    except (binascii.Error, ValueError) as exc:
        raise TicketTokenInvalid() from exc
    if len(data) < _HEADER.size + _SIGNATURE_BYTES:
        raise TicketTokenInvalid()
    body, signature = data[:-_SIGNATURE_BYTES], data[-_SIGNATURE_BYTES:]
    version, kid, ticket, event, issued = _HEADER.unpack_from(body)
    key = _keys_by_id(public_keys).get(kid.hex())
    if version != VERSION or key is None:
        raise TicketTokenInvalid()
    try:
        key.verify(signature, body)
        attendee = body[_HEADER.size:].decode("utf-8")
    except (InvalidSignature, UnicodeDecodeError) as exc:
        raise TicketTokenInvalid() from exc
    return TicketClaims(ticket_id=uuid.UUID(bytes=ticket), event_id=uuid.UUID(bytes=event), attendee=attendee,
                        issued_at=datetime.fromtimestamp(issued, tz=timezone.utc), key_id=kid.hex())
