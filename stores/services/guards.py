"""Who may write what, shared by the catalog services."""
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from mookh.core.errors import InvalidInput, PermissionDenied
from stores.errors import CatalogObjectInUse
from stores.selectors import user_owns_store
from users.selectors import user_is_super_admin


def store_manage_require(*, actor, store) -> None:
    """Only the store's owner (or a super admin) changes its catalog; its agents only read it."""
    if not user_owns_store(actor, store):
        raise PermissionDenied("Only the store's owner can change this.")


def store_field_check(*, actor, store, field: str) -> None:
    """A new object may only be attached to a store the caller owns: a 400 naming `field`."""
    if not user_owns_store(actor, store):
        raise InvalidInput({field: "Choose a store you own."}, code="store_not_owned")


def super_admin_require(*, actor) -> None:
    if not user_is_super_admin(actor):
        raise PermissionDenied("Only a super admin can change this.")


def object_delete(obj) -> None:
    """Delete, or refuse with a 409 when orders or other catalog rows still point at it.

    Django looks for such rows before deleting; one committed meanwhile (an order placed during the
    delete) breaks a foreign key, which the database checks only at commit: the check is made here,
    inside the savepoint, so that it too becomes the 409."""
    try:
        with transaction.atomic():
            obj.delete()
            connection.check_constraints()
    except (ProtectedError, IntegrityError) as exc:
        raise CatalogObjectInUse(f"This {obj._meta.verbose_name} is still in use and cannot be deleted.") from exc


def attributes_set(obj, fields: dict) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
