"""Who is "the same person" for per-customer limits: either the email or the phone matches.

Emails are compared as their providers deliver them: case does not matter, a "+tag" reaches
the same mailbox everywhere, and Gmail ignores dots in the local part. So `N.ame+1@Gmail.com`
and `name@gmail.com` are one buyer for limits, while messages still go to the address given.
"""
from django.db.models import Q

from mookh.core.phone import InvalidPhoneNumber, phone_normalize

DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def email_identity(email: str) -> str:
    """The mailbox an address reaches: lower-case, no plus-tag, no dots for Gmail."""
    local, at, domain = (email or "").strip().lower().rpartition("@")
    if not at:
        return (email or "").strip().lower()
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def phone_identity(phone: str) -> str:
    """E.164 when the number parses; otherwise the text as given (it then matches only itself)."""
    try:
        return phone_normalize(phone)
    except InvalidPhoneNumber:
        return (phone or "").strip()


def same_person_q(*, email: str, phone: str, email_field: str = "email", phone_field: str = "phone") -> Q | None:
    """Rows of the same person, given `email` and `phone` normalized as they are stored
    (`email_identity`, E.164 phone), so that the indexes on both columns serve the lookup;
    None when neither is known."""
    condition = Q()
    if email:
        condition |= Q(**{email_field: email})
    if phone:
        condition |= Q(**{phone_field: phone})
    return condition or None
