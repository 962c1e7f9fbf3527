"""Store API keys: the owner issues one (its token shown once) and revokes it."""
import logging
import secrets
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from stores.errors import ApiKeyLimitReached
from stores.models import Store, StoreApiKey
from stores.services.guards import store_manage_require
from users.selectors import user_or_none

logger = logging.getLogger(__name__)

# Working keys per store: enough for every integration a merchant runs, few enough to review.
API_KEYS_MAX = 20


@dataclass(frozen=True)
class IssuedApiKey:
    """A new key and its secret token: the only time the token exists outside the client."""

    key: StoreApiKey
    app_token: str


@transaction.atomic
def store_api_key_create(*, store: Store, actor, name: str) -> IssuedApiKey:
    store_manage_require(actor=actor, store=store)
    Store.objects.select_for_update().filter(pk=store.pk).first()  # counts below cannot race
    if StoreApiKey.objects.filter(store=store, revoked_at__isnull=True).count() >= API_KEYS_MAX:
        raise ApiKeyLimitReached(limit=API_KEYS_MAX)
    token = secrets.token_urlsafe(32)
    key = StoreApiKey.objects.create(store=store, name=name.strip(), app_id=str(uuid.uuid4()),
                                     token_digest=StoreApiKey.digest(token), token_hint=token[-4:],
                                     created_by=user_or_none(actor))
    logger.info("store %s: API key %s created by %s", store.pk, key.app_id, getattr(actor, "pk", None))
    return IssuedApiKey(key=key, app_token=token)


@transaction.atomic
def store_api_key_revoke(*, key: StoreApiKey, actor) -> None:
    """The key stops working at once; the row stays for the record."""
    store_manage_require(actor=actor, store=key.store)
    now = timezone.now()
    StoreApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now, updated=now)
    logger.info("store %s: API key %s revoked by %s", key.store_id, key.app_id, getattr(actor, "pk", None))
