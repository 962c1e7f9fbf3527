"""Migrating a test database to a past state and back, for tests of data migrations."""
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets=None):
    """Migrate to `targets` (default: the latest migrations) and return the models as they were there."""
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return state.apps
