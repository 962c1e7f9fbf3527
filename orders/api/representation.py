"""Seed 001's order as a plain dict, built directly: this is the hot path of every sale.

The serializers in orders/api/serializers.py declare the same fields for the schema and call
these functions to render, so that the field list lives in one place per shape.
"""
from django.conf import settings

from mookh.core.datetimes import iso_datetime
from orders.models import Order, OrderLine
from orders.selectors import installments_amount
from orders.links import line_media_files, line_ticket_fields


def _money(value) -> str:
    return f"{value:.2f}"


def _file_url(field, request) -> str | None:
    if not field:
        return None
    return request.build_absolute_uri(field.url) if request else field.url


def line_representation(line: OrderLine, request=None) -> dict:
    data = {
        "id": str(line.pk), "name": line.name, "item_id": str(line.item_id) if line.item_id else None,
        "type_name": line.type_name,
        "item_quantity": line.item_quantity, "selling_price": _money(line.selling_price),
        "promo_amount": _money(line.promo_amount), "promo_code": line.promo_code,
        "created": iso_datetime(line.created), "updated": iso_datetime(line.updated),
    }
    if line.ticket_id:
        ticket, event = line.ticket, line.ticket.event
        data.update({
            **line_ticket_fields(line, request),  # ticket_url, ticket_files: once the order is paid
            "event": str(event.pk), "event_name": event.event_name, "event_venue": event.event_venue,
            "event_description": event.event_description, "event_poster": _file_url(event.event_poster, request),
            "event_link": f"{settings.STOREFRONT_URL.rstrip('/')}/event/{event.pk}",
            "ticket_name": ticket.ticket_name, "ticket_description": ticket.ticket_description,
            "start_date": iso_datetime(event.start_date),
            "end_date": iso_datetime(event.end_date),
            "ticket_names": line.ticket_names, "data_entries": line.data_entries,
        })
    elif line.is_external:
        data.update({"source_id": line.source_id, "unit_price": _money(line.unit_price)})
    else:
        album = line.album
        data.update({
            "album": str(album.pk), "category": str(album.category_id) if album.category_id else None,
            "category_name": album.category.name if album.category_id else None,
            "media_type": str(album.media_type_id), "media_type_name": album.media_type.name,
            "description": album.description, "store_name": line.store.store_name, "authors": album.authors,
            "thumbnail": _file_url(album.thumbnail, request),
            "media_files": line_media_files(line, request),  # signed, expiring links while the order is PAID
        })
    return data


def order_representation(order: Order, request=None, *, lines=None, payments=None, new: bool = False) -> dict:
    """`lines`, `payments`: the order's lines with their items and its requests for money (the
    payments app's attempts, newest first), when the caller holds them (else read).
    `new`: the order was placed in this request, so nothing has been refunded yet (not read)."""
    return {
        "id": str(order.pk),
        "customer": {"email": order.customer_email, "name": order.customer_name, "phone_number": order.customer_phone},
        "payer": {"email": order.payer_email, "name": order.payer_name, "phone_number": order.payer_phone},
        "agent": str(order.agent_id) if order.agent_id else None,
        "order_detail": [line_representation(line, request)
                         for line in (order.lines.all() if lines is None else lines)],
        "order_status": order.status, "order_number": order.order_number, "currency": order.currency,
        "short_url": order.short_url, "order_amount": _money(order.order_amount),
        "order_balance": _money(order.order_balance), "payment_method": order.payment_method,
        "exact_payment_method": order.exact_payment_method, "payment_installments": order.payment_installments,
        "installments_amount": _money(installments_amount(order)), "is_promo_order": order.is_promo_order,
        "order_channel": order.order_channel, "registration_data": order.registration_data,
        "is_mobile_payments": order.payment_method in ("MOBILE", "MOBILE_CASH"),
        "payment_reference": order.payment_reference, "is_pay_later": order.is_pay_later,
        "is_gate_purchase": order.is_gate_purchase, "flag_email_sent": order.flag_email_sent,
        "flag_sms_sent": order.flag_sms_sent, "expires_at": iso_datetime(order.expires_at),
        "created": iso_datetime(order.created), "updated": iso_datetime(order.updated),
        "payments": [payment_attempt_representation(attempt)
                     for attempt in (order.payment_attempts.all() if payments is None else payments)],
        "refunds": [] if new else [refund_representation(refund) for refund in order.refunds.all()],
    }


def payment_attempt_representation(attempt) -> dict:
    """One request for money (the payments app's attempt, read through its reverse relation)."""
    return {
        "id": str(attempt.pk), "provider": attempt.provider, "exact_payment_method": attempt.method,
        "amount": _money(attempt.amount), "currency": attempt.currency, "status": attempt.status,
        "provider_reference": attempt.provider_reference, "receipt": attempt.receipt or None,
        "phone": attempt.phone or None, "description": attempt.description,
        "created": iso_datetime(attempt.created),
    }


def refund_representation(refund) -> dict:
    """Money sent back (the payments app's refund, read through its reverse relation)."""
    return {
        "id": str(refund.pk), "amount": _money(refund.amount), "currency": refund.currency, "status": refund.status,
        "provider": refund.provider or None, "provider_reference": refund.provider_reference or None,
        "receipt": refund.receipt or None, "failure_reason": refund.failure_reason or None,
        "created": iso_datetime(refund.created),
    }
