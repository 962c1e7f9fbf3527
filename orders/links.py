"""Where a buyer finds their tickets, downloads and payment page: what order lines, pages and
messages link to.

Issued tickets belong to the tickets app, above this one: they are read here through the reverse
relation `issued_tickets` of orders and their lines, and their pages are found by URL name."""
from django.conf import settings
from django.urls import reverse

from mookh.core.datetimes import iso_datetime
from orders.downloads import album_file_link
from orders.models import OrderLine, OrderStatus

FULFILLED = (OrderStatus.PAID, OrderStatus.REFUNDED)
VOID = "VOID"  # an issued ticket's status once the gate refuses it


def absolute_url(path: str, request=None) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.TICKET_LINK_BASE_URL.rstrip("/") + path


def payment_link_url(order_id) -> str:
    """The order's payment page (the payments app's, found by URL name), as buyers reach this API."""
    path = reverse("payment-link", kwargs={"order_id": order_id}).rstrip("/") + "/"
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def order_tickets_path(order_id) -> str:
    return reverse("order-tickets", kwargs={"order_id": order_id}).rstrip("/") + "/"


def ticket_page_path(order_id, ticket_id) -> str:
    return reverse("order-ticket", kwargs={"order_id": order_id, "ticket_id": ticket_id}).rstrip("/") + "/"


def ticket_qr_path(order_id, ticket_id) -> str:
    return reverse("order-ticket-qr", kwargs={"order_id": order_id, "ticket_id": ticket_id})


def issued_ticket_file(issued, request=None) -> dict:
    """One entry of an order line's `ticket_files`."""
    return {
        "id": str(issued.pk), "attendee": issued.attendee, "status": issued.status,
        "url": absolute_url(ticket_page_path(issued.order_id, issued.pk), request),
        "qr_url": absolute_url(ticket_qr_path(issued.order_id, issued.pk), request),
    }


def line_ticket_fields(line, request=None) -> dict:
    """`ticket_url` and `ticket_files` of a ticket line: nothing until its order is paid."""
    if line.order.status not in FULFILLED:
        return {"ticket_url": None, "ticket_files": []}
    issued = sorted(line.issued_tickets.all(), key=lambda ticket: ticket.sequence)
    if not issued:
        return {"ticket_url": None, "ticket_files": []}
    url = absolute_url(f"{order_tickets_path(line.order_id)}?line={line.pk}", request)
    return {"ticket_url": url, "ticket_files": [issued_ticket_file(ticket, request) for ticket in issued]}


def line_media_file(line, media_file, request=None) -> dict:
    """One entry of an album line's `media_files`: the file and the line's signed link to it."""
    link = album_file_link(line=line, media_file=media_file)
    return {"id": str(media_file.pk), "title": media_file.title, "content_type": media_file.content_type,
            "size": media_file.size, "expires_at": iso_datetime(link.expires_at),
            "url": absolute_url(link.path, request)}


def line_media_files(line, request=None) -> list[dict]:
    """An album line's files with download links bound to the line, only while its order is PAID."""
    if line.order.status != OrderStatus.PAID:
        return []
    return [line_media_file(line, media_file, request) for media_file in line.album.media_files.all()]


def order_delivery_links(*, order) -> dict:
    """The paid-order message's `tickets` and `downloads`: what the customer bought, with links."""
    issued = (order.issued_tickets.exclude(status=VOID).select_related("ticket")
              .order_by("order_line__position", "sequence"))
    tickets = [{"ticket_name": ticket.ticket.ticket_name, "attendee": ticket.attendee,
                "url": absolute_url(ticket_page_path(order.pk, ticket.pk))} for ticket in issued]
    downloads = []
    if order.status == OrderStatus.PAID:
        lines = (OrderLine.objects.filter(order_id=order.pk, album__isnull=False).select_related("album")
                 .prefetch_related("album__media_files").order_by("position"))
        downloads = [{"title": f"{line.album.name}: {media_file.title}",
                      "url": absolute_url(album_file_link(line=line, media_file=media_file).path)}
                     for line in lines for media_file in line.album.media_files.all()]
    return {"tickets": tickets, "downloads": downloads}
