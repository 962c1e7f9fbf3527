"""Named lists every store shares (store types, content categories, media types): each name is
unique whatever its case, and only super admins add, rename or delete them."""
from django.db import transaction

from mookh.core.errors import InvalidInput
from stores.services.guards import object_delete, super_admin_require


def _name_unique_check(model, *, name: str, exclude_pk=None) -> None:
    if model.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise InvalidInput({"name": f"A {model._meta.verbose_name} with this name exists."}, code="duplicate")


@transaction.atomic
def reference_create(*, model, actor, name: str):
    super_admin_require(actor=actor)
    _name_unique_check(model, name=name)
    return model.objects.create(name=name)


@transaction.atomic
def reference_update(*, row, actor, name: str | None = None):
    super_admin_require(actor=actor)
    if name:
        _name_unique_check(type(row), name=name, exclude_pk=row.pk)
        row.name = name
        row.save()
    return row


def reference_delete(*, row, actor) -> None:
    """Refused with a 409 while anything names the row."""
    super_admin_require(actor=actor)
    object_delete(row)
