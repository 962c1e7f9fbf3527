from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty


class _PrivateStorage(LazyObject):
    """Files sold as digital content: never under MEDIA_URL, only through signed download links."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = _PrivateStorage()


def private_storage_callable():
    """Given to FileField(storage=...) so that migrations name this function, not a path on disk."""
    return private_storage


def _private_storage_reset(*, setting, **kwargs):
    if setting == "PRIVATE_MEDIA_ROOT":
        private_storage._wrapped = empty


setting_changed.connect(_private_storage_reset)
