"""Every write about users: registration, one-time codes, verification, password reset, roles."""
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from mookh.core.errors import InvalidInput
from notifications.services import message_enqueue
from users.errors import CodeInvalid
from users.models import OneTimeCode, User
from users.selectors import user_get_by_email

logger = logging.getLogger(__name__)

CODE_TEMPLATES = {
    OneTimeCode.Purpose.VERIFY_EMAIL: "verification_code",
    OneTimeCode.Purpose.RESET_PASSWORD: "password_reset_code",
}


def _code_hash(user_id, purpose: str, code: str) -> str:
    message = f"{user_id}:{purpose}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _password_check(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise InvalidInput({"password": list(exc.messages)}) from exc


@transaction.atomic
def user_register(*, email: str, password: str, first_name: str = "", last_name: str = "",
                  phone_number: str = "") -> User:
    email = User.objects.normalize_email(email).lower()
    user = User(email=email, first_name=first_name, last_name=last_name, phone_number=phone_number)
    _password_check(password, user)
    user.set_password(password)
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput({"email": "A user with this email already exists."}, code="email_taken")
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise InvalidInput({"email": "A user with this email already exists."}, code="email_taken") from exc
    one_time_code_send(user=user, purpose=OneTimeCode.Purpose.VERIFY_EMAIL)
    logger.info("registered user %s", user.pk)
    return user


def one_time_code_send(*, user: User, purpose: str) -> None:
    """Replace any live code of this purpose with a new one and queue the email carrying it."""
    code = f"{secrets.randbelow(100_000):05d}"
    now = timezone.now()
    OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
    OneTimeCode.objects.create(
        user=user, purpose=purpose, code_hash=_code_hash(user.pk, purpose, code),
        expires_at=now + settings.VERIFICATION_CODE_TTL,
    )
    message_enqueue(
        channel="email", recipient=user.email, template=CODE_TEMPLATES[purpose],
        context={"code": code, "first_name": user.first_name,
                 "ttl_minutes": int(settings.VERIFICATION_CODE_TTL.total_seconds() // 60)},
        secret_keys=("code",),
    )


def _codes_locked(user: User, now) -> bool:
    return user.codes_locked_until is not None and user.codes_locked_until > now


def _one_time_code_match(*, user: User | None, purpose: str, code: str) -> OneTimeCode | None:
    """The user's live code, locked, when `code` matches it; None when it does not.

    A mismatch is counted on the code (VERIFICATION_CODE_MAX_ATTEMPTS burn it) and on the
    account, so the caller must commit before refusing. Every other refusal raises CodeInvalid
    at once. Runs in the caller's transaction with the user's row locked: the account's failures
    are counted exactly, whichever process answers.
    """
    if user is None:
        raise CodeInvalid()
    now = timezone.now()
    account = User.objects.select_for_update().get(pk=user.pk)
    if _codes_locked(account, now):
        raise CodeInvalid()
    live = (
        OneTimeCode.objects.select_for_update()
        .filter(user=account, purpose=purpose, used_at__isnull=True)
        .order_by("-created")
        .first()
    )
    if live is None or live.expires_at <= now or live.failed_attempts >= settings.VERIFICATION_CODE_MAX_ATTEMPTS:
        raise CodeInvalid()
    if hmac.compare_digest(live.code_hash, _code_hash(account.pk, purpose, code)):
        return live
    live.failed_attempts += 1
    live.save(update_fields=["failed_attempts"])
    _code_failure_count(account, now)
    return None


def _code_failure_count(account: User, now) -> None:
    """One more wrong code for the account (row locked by the caller); the last one allowed in
    CODE_FAILURE_WINDOW locks every code of the account for CODE_LOCK_DURATION and tells the owner."""
    if account.code_failures_since is None or account.code_failures_since <= now - settings.CODE_FAILURE_WINDOW:
        account.code_failures, account.code_failures_since = 0, now
    account.code_failures += 1
    if account.code_failures >= settings.CODE_FAILURES_MAX:
        account.codes_locked_until = now + settings.CODE_LOCK_DURATION
        account.code_failures, account.code_failures_since = 0, None
        message_enqueue(
            channel="email", recipient=account.email, template="code_attempts_locked",
            context={"first_name": account.first_name,
                     "lock_minutes": int(settings.CODE_LOCK_DURATION.total_seconds() // 60)},
        )
        logger.warning("one-time codes of user %s locked after too many wrong codes", account.pk)
    account.save(update_fields=["code_failures", "code_failures_since", "codes_locked_until"])


def _one_time_code_use(code: OneTimeCode) -> None:
    code.used_at = timezone.now()
    code.save(update_fields=["used_at"])
    User.objects.filter(pk=code.user_id).update(code_failures=0, code_failures_since=None)


@dataclass(frozen=True)
class Verification:
    user: User
    already_verified: bool  # verified before this request: nothing was checked or changed


def user_verify(*, email: str, code: str) -> Verification:
    """Verify the account with its emailed code. An account verified already is told so whatever
    the code (registration tells anyone that the account exists); an unverified or unknown one
    gets CodeInvalid for every wrong, expired or locked code alike."""
    user = user_get_by_email(email)
    if user is not None and user.is_verified:
        return Verification(user=user, already_verified=True)
    with transaction.atomic():
        live = _one_time_code_match(user=user, purpose=OneTimeCode.Purpose.VERIFY_EMAIL, code=code)
        if live is not None:
            _one_time_code_use(live)
            User.objects.filter(pk=user.pk).update(is_verified=True)
    if live is None:
        raise CodeInvalid()
    logger.info("verified user %s", user.pk)
    user.refresh_from_db()
    return Verification(user=user, already_verified=False)


def _resend_allowed(kind: str, email: str) -> bool:
    """One mail per minute per address, whether or not the address has an account."""
    digest = hashlib.sha256(email.lower().encode()).hexdigest()
    interval = int(settings.VERIFICATION_RESEND_INTERVAL.total_seconds())
    return cache.add(f"resend:{kind}:{digest}", 1, timeout=interval)


class ResendTooSoon(InvalidInput):
    status = 429

    def __init__(self):
        super().__init__({"email": "A code was sent less than a minute ago; wait before asking again."},
                         code="resend_too_soon")


@transaction.atomic
def verification_resend(*, email: str) -> None:
    if not _resend_allowed("verify", email):
        raise ResendTooSoon()
    user = user_get_by_email(email)
    if user is None or user.is_verified or _codes_locked(user, timezone.now()):
        return  # answered the same way: no account enumeration
    one_time_code_send(user=user, purpose=OneTimeCode.Purpose.VERIFY_EMAIL)


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    if not _resend_allowed("reset", email):
        raise ResendTooSoon()
    user = user_get_by_email(email)
    if user is None or not user.is_active or _codes_locked(user, timezone.now()):
        return
    one_time_code_send(user=user, purpose=OneTimeCode.Purpose.RESET_PASSWORD)


def password_reset_confirm(*, email: str, code: str, password: str) -> User:
    """The code first: only the holder of a valid code learns what is wrong with the password
    (a weak password keeps the code live for another try)."""
    user = user_get_by_email(email)
    with transaction.atomic():
        live = _one_time_code_match(user=user, purpose=OneTimeCode.Purpose.RESET_PASSWORD, code=code)
        if live is not None:
            _password_check(password, user)
            _one_time_code_use(live)
            user.set_password(password)
            # Whoever could read the mailbox could reset; the address is now proven.
            user.is_verified = True
            user.tokens_valid_after = timezone.now()
            user.save(update_fields=["password", "is_verified", "tokens_valid_after"])
            _refresh_tokens_revoke(user)
    if live is None:
        raise CodeInvalid()
    logger.info("password reset for user %s", user.pk)
    return user


def _refresh_tokens_revoke(user: User) -> None:
    """A new password signs out every session: the refresh tokens issued so far stop working
    (and the access tokens, through `tokens_valid_after`: see users.authentication)."""
    outstanding = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in outstanding],
                                         ignore_conflicts=True)


@transaction.atomic
def user_update(*, user: User, groups=None, **fields) -> User:
    if "email" in fields:
        fields["email"] = User.objects.normalize_email(fields["email"]).lower()
        if User.objects.filter(email__iexact=fields["email"]).exclude(pk=user.pk).exists():
            raise InvalidInput({"email": "A user with this email already exists."}, code="email_taken")
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    if groups is not None:
        user.groups.set(groups)
    return user


def role_grant(*, user: User, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)


def role_revoke(*, user: User, role: str) -> None:
    user.groups.remove(*Group.objects.filter(name=role))
