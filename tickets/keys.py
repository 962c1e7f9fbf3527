"""The ticket signing key and the public keys gates verify with, read lazily from settings.

TICKET_SIGNING_KEY: base64 of a raw 32-byte Ed25519 seed, or a PKCS#8 PEM. Unset with DEBUG on,
a key is generated once into TICKET_SIGNING_KEY_FILE (git-ignored) so that `make run` works.
Unset with DEBUG off is a configuration error: the system check refuses to start (runserver,
migrate, check) and the first signing raises ImproperlyConfigured.
TICKET_VERIFY_KEYS: public keys of retired signing keys, still accepted at the gate.
"""
import base64
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tickets.tokens import key_id, private_key_parse, public_key_parse, public_key_raw

MISSING = ("TICKET_SIGNING_KEY is not set. Ticket QR codes are signed with it; generate one with\n"
           "  python -c \"import base64, os; print(base64.b64encode(os.urandom(32)).decode())\"\n"
           "and set it in the environment (keep it secret; rotating it: move its public key to TICKET_VERIFY_KEYS).")


@dataclass(frozen=True)
class TicketKeys:
    signing: Ed25519PrivateKey
    key_id: str
    verify: dict  # key id → Ed25519PublicKey, the current key first


def _dev_key_file(path: Path) -> str:
    """Read the development key, creating it on first use. Written aside then linked into place:
    two processes starting together agree on one key and never read a half-written file."""
    if not path.exists():
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".ticket_signing_key.")
        try:
            with os.fdopen(fd, "w") as handle:  # mkstemp: mode 0600
                handle.write(base64.b64encode(os.urandom(32)).decode() + "\n")
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return path.read_text().strip()


def _signing_key_value() -> str:
    value = (getattr(settings, "TICKET_SIGNING_KEY", "") or "").strip()
    if value:
        return value
    if settings.DEBUG:
        return _dev_key_file(Path(settings.TICKET_SIGNING_KEY_FILE))
    raise ImproperlyConfigured(MISSING)


@lru_cache(maxsize=8)
def _keys(signing_value: str, verify_values: tuple) -> TicketKeys:
    try:
        signing = private_key_parse(signing_value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TICKET_SIGNING_KEY is not an Ed25519 key ({exc}).") from exc
    current = signing.public_key()
    verify = {key_id(current): current}
    for value in verify_values:
        try:
            key = public_key_parse(value)
        except ValueError as exc:
            raise ImproperlyConfigured(f"TICKET_VERIFY_KEYS holds a value that is not an Ed25519 public key ({exc}).") \
                from exc
        verify.setdefault(key_id(key), key)
    return TicketKeys(signing=signing, key_id=key_id(current), verify=verify)


def ticket_keys() -> TicketKeys:
    """The keys in force; parsed once per distinct setting value."""
    verify_values = tuple(value for value in getattr(settings, "TICKET_VERIFY_KEYS", []) if value.strip())
    return _keys(_signing_key_value(), verify_values)


def public_keys_description() -> list[dict]:
    """What a gate app needs to verify tickets offline: every accepted public key, current first."""
    keys = ticket_keys()
    return [{"key_id": kid, "algorithm": "Ed25519", "public_key": base64.b64encode(public_key_raw(key)).decode(),
             "current": kid == keys.key_id} for kid, key in keys.verify.items()]
