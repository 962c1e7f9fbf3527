from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from notifications.models import OutboxMessage

# A message younger than this still has its own task in flight; the sweep leaves it alone.
FIRST_ATTEMPT_GRACE = timedelta(seconds=30)
Status = OutboxMessage.Status


def outbox_lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def messages_claimable_q(now) -> Q:
    """PENDING and due, or SENDING by a worker that has held it past the lease (it died)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return Q(status=Status.PENDING) & due | Q(status=Status.SENDING, claimed_at__lt=now - outbox_lease())


def messages_due_ids(*, limit: int = 500, now=None) -> list:
    """Messages the sweep should queue, oldest first."""
    now = now or timezone.now()
    fresh = Q(status=Status.PENDING, next_attempt_at__isnull=True, created__gt=now - FIRST_ATTEMPT_GRACE)
    return list(
        OutboxMessage.objects.filter(messages_claimable_q(now)).exclude(fresh)
        .order_by("created").values_list("pk", flat=True)[:limit]
    )


def outbox_backlog() -> int:
    """Outbox messages not delivered yet (PENDING or SENDING)."""
    return OutboxMessage.objects.filter(status__in=[Status.PENDING, Status.SENDING]).count()
