"""Names of uploaded files: stored under a generated name, never the one the client sent.

A client's file name can be of any length, hold path tricks or characters a file system refuses;
the stored name is `<prefix><32 hex digits><extension>`, whatever was sent. The human name is kept
apart (a title column) where it matters.
"""
import os
import re
import uuid

from django.utils.deconstruct import deconstructible

EXTENSION = re.compile(r"^\.[a-z0-9]{1,10}$")


def upload_extension(name: str) -> str:
    """The extension of `name`, lower-case, when it is short and plain (".mp3"); otherwise ""."""
    extension = os.path.splitext(os.path.basename(name or ""))[1].lower()
    return extension if EXTENSION.match(extension) else ""


def upload_title(name: str, *, max_length: int) -> str:
    """A human title from a client's file name: its stem without any directory, cut to `max_length`."""
    stem = os.path.splitext(os.path.basename((name or "").replace("\\", "/")))[0]
    return "".join(char for char in stem if char.isprintable()).strip()[:max_length]


@deconstructible
class GeneratedUploadName:
    """`upload_to` for a FileField: `<prefix><uuid hex><extension>`."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        return f"{self.prefix}{uuid.uuid4().hex}{upload_extension(filename)}"
