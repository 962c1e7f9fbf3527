from orders.models import IdempotencyKey


def idempotency_response_store(*, key: str, status: int, body: dict) -> None:
    """Keep the first answer so that a retry with the same key gets exactly it."""
    IdempotencyKey.objects.filter(key=key, response_body__isnull=True).update(response_status=status,
                                                                               response_body=body)
