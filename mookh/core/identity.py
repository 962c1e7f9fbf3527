"""Who is "the same person" for per-customer limits: either the email or the phone matches."""
from django.db.models import Q


def same_person_q(*, email: str, phone: str, email_field: str = "email", phone_field: str = "phone") -> Q | None:
    """Rows of the same person, given `email` and `phone` normalized as they are stored
    (lower-case email, E.164 phone), so that the indexes on both columns serve the lookup;
    None when neither is known."""
    condition = Q()
    if email:
        condition |= Q(**{email_field: email})
    if phone:
        condition |= Q(**{phone_field: phone})
    return condition or None
