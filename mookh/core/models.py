import uuid

from django.db import models


class TimeStamped(models.Model):
    """UUID primary key plus creation and update times, shared by every API-visible model."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
