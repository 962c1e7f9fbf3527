"""JWT sign-in that a password reset ends: tokens of sessions signed in before the reset are refused.

`iat` counts whole seconds, too coarse to tell a token made just before a reset from one made just
after it in the same second. So tokens issued at sign-in (users.api.serializers.TokenSerializer)
also carry `auth_time`, the sign-in moment to the microsecond (a fractional NumericDate, kept by
every access token refreshed from that sign-in). A token without it is dated from the start of
its `iat` second: one made in the second of the reset is refused rather than let through.
"""
from datetime import datetime, timezone

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication

AUTH_TIME_CLAIM = "auth_time"


def token_signed_in_at(token) -> datetime | None:
    """The moment the session behind `token` signed in (the earliest it can be), or None."""
    moment = token.get(AUTH_TIME_CLAIM, token.get("iat"))
    if not isinstance(moment, (int, float)):
        return None
    return datetime.fromtimestamp(moment, tz=timezone.utc)


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's authentication, plus `User.tokens_valid_after`, read from the user it loads anyway.

    An Authorization header that is not `Bearer <token>` (another scheme, no token, two tokens, an
    empty value) is refused with a 401, never taken for an anonymous request: a client that meant
    to sign in learns that it did not."""

    def get_raw_token(self, header):
        raw_token = super().get_raw_token(header)
        if raw_token is None:
            raise AuthenticationFailed("The Authorization header must be 'Bearer <access token>'.",
                                       code="bad_authorization_header")
        return raw_token

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        valid_after = getattr(user, "tokens_valid_after", None)
        if valid_after is not None:
            signed_in_at = token_signed_in_at(validated_token)
            if signed_in_at is None or signed_in_at < valid_after:
                raise AuthenticationFailed("This session ended when the password changed; sign in again.",
                                           code="token_revoked")
        return user


class JWTAuthenticationScheme(SimpleJWTScheme):
    target_class = "users.authentication.JWTAuthentication"
