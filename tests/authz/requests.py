"""For each route and method, one request that an allowed caller would see succeed: the path built
with the world's real objects (all of store A), and a valid body."""
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from tests.authz.world import CUSTOMER, World
from tests.factories.users import PASSWORD


@dataclass(frozen=True)
class Call:
    path: str
    body: object = None
    format: str = "json"


def _when(days: int, hours: int = 0) -> str:
    return (timezone.now() + timedelta(days=days, hours=hours)).isoformat()


def _event_body(w: World) -> dict:
    return {"event_name": "Launch", "event_category_fk": str(w["event_category"].pk), "event_description": "A launch.",
            "start_date": _when(10), "store_fk": str(w.a.store.pk)}


def _order_body(w: World) -> dict:
    return {"currency": "KES", "payment_method": "MOBILE", "response_type": "json", "customer": dict(CUSTOMER),
            "order_detail": [{"item_id": str(w["ticket"].pk), "type_name": "store.ticket", "item_quantity": 1}]}


def _v1_order_body(w: World) -> dict:
    return {"customer": dict(CUSTOMER), "store_fk": str(w.a.store.pk), "currency": "KES", "payment_method": "MPESA",
            "order_detail": [{"item_id": str(w["ticket"].pk), "type_name": "store.ticket", "item_quantity": 1}]}


def _promo_body(w: World) -> dict:
    return {"is_active": "true", "store": str(w.a.store.pk), "event": "null", "promo_name": "stylez", "value": "0",
            "quantity": "20", "promo_value": "10", "is_percentage": "true", "is_fixed": "false",
            "is_custom": "true", "start_date": "", "end_date": "", "code": "NEWCODE"}


def _mp3() -> SimpleUploadedFile:
    return SimpleUploadedFile("song.mp3", b"ID3" + b"\x00" * 64, content_type="audio/mpeg")


def _scan(w: World) -> dict:
    return {"scan_id": "9b2f7c1e-4a8d-4c1b-9e55-0f5d2c7a1b11", "code": w["ticket_code"],
            "scanned_at": timezone.now().isoformat(), "gate": "North"}


WHOLE = {"GET": None, "POST": {}, "PUT": {}, "PATCH": {}, "DELETE": None}


def _paths(w: World) -> dict[str, str]:
    """The path of each route, for store A's objects."""
    a, pending, paid, issued = w.a.store.pk, w["pending_order"].pk, w["paid_order"].pk, w["issued_ticket"].pk
    album, event, export = w["album"].pk, w["event"].pk, w["export"].pk
    return {
        "health": "/health/", "metrics": "/metrics", "schema": "/api/schema/", "docs": "/api/docs/",
        "agent-invitation-list": "/users/invitations/",
        "agent-invitation-accept": f"/users/invitations/{w['invitation'].pk}/accept/",
        "agent-invitation-decline": f"/users/invitations/{w['invitation'].pk}/decline/",
        "verification-resend": "/users/verification/resend/", "verification": "/users/verification/",
        "token-refresh": "/users/token/refresh/", "token": "/users/token/",
        "password-reset-confirm": "/users/password/reset/confirm/", "password-reset": "/users/password/reset/",
        "user-list": "/users/user/", "user-user-roles": "/users/user/user_roles/",
        "user-detail": f"/users/user/{w.customer.pk}/",
        "store-type-list": "/stores/store_type/",
        "store-type-detail": f"/stores/store_type/{w['spare_store_type'].pk}/",
        "store-agent-list": f"/stores/store/{a}/agents/",
        "store-agent-detail": f"/stores/store/{a}/agents/{w['agent_link'].pk}/",
        "store-api-key-list": f"/stores/store/{a}/api_keys/",
        "store-api-key-detail": f"/stores/store/{a}/api_keys/{w['api_key'].pk}/",
        "store-list": "/stores/store/", "store-detail": f"/stores/store/{a}/",
        "event-category-list": "/stores/event_category/",
        "event-category-detail": f"/stores/event_category/{w['spare_event_category'].pk}/",
        "event-public-list": "/stores/event/public/", "event-list": "/stores/event/",
        "event-detail": f"/stores/event/{w['draft_event'].pk}/",
        "schedule-list": "/stores/schedule/", "schedule-detail": f"/stores/schedule/{w['schedule'].pk}/",
        "ticket-list": "/stores/tickets/", "ticket-detail": f"/stores/tickets/{w['ticket'].pk}/",
        "category-list": "/stores/category/", "category-detail": f"/stores/category/{w['spare_category'].pk}/",
        "media-type-list": "/stores/media_type/",
        "media-type-detail": f"/stores/media_type/{w['spare_media_type'].pk}/",
        "album-media-file-list": f"/stores/album/{album}/media_files/",
        "album-media-file-detail": f"/stores/album/{album}/media_files/{w['media_file'].pk}/",
        "album-list": "/stores/album/", "album-detail": f"/stores/album/{album}/",
        "promo-code-list": "/stores/promo_codes/", "promo-code-validate": "/stores/promo_codes/validate/",
        "promo-code-detail": f"/stores/promo_codes/{w['promo_code'].pk}/",
        "promocode-group-list": f"/stores/store/{a}/promocode-groups/",
        "promocode-group-detail": f"/stores/store/{a}/promocode-groups/{w['promo_group'].pk}/",
        "orders-list": "/stores/orders/", "orders-detail": f"/stores/orders/{paid}/",
        "orders-cancel": f"/stores/orders/{pending}/cancel/", "orders-refund": f"/stores/orders/{paid}/refund/",
        "order-v1-list": "/stores/order/", "order-v1-validate-order": "/stores/order/validate_order/",
        "order-v1-verify-order": "/stores/order/verify_order/", "order-v1-detail": f"/stores/order/{paid}/",
        "media-file-download": f"/stores/media/download/{w['download_token']}/",
        "check-in-batch": "/stores/check_in/batch/", "check-in": "/stores/check_in/",
        "event-check-in-key": f"/stores/event/{event}/check_in_key/",
        "event-check-in-list": f"/stores/event/{event}/check_in_list/",
        "order-tickets": f"/stores/orders/{paid}/tickets/",
        "order-ticket": f"/stores/orders/{paid}/tickets/{issued}/",
        "order-ticket-qr": f"/stores/orders/{paid}/tickets/{issued}/qr.png",
        "payments-callback-mpesa": "/payments/callbacks/mpesa/sandbox-callback-token/",
        "payments-callback-airtel": f"/payments/callbacks/airtel/{w['airtel_token']}/",
        "payments-callback-mtn": "/payments/callbacks/mtn/no-such-reference/",
        "payments-callback-mpesa-reversal": "/payments/callbacks/mpesa/reversal/sandbox-callback-token/result/",
        "payments-callback-mpesa-reversal-timeout":
            "/payments/callbacks/mpesa/reversal/sandbox-callback-token/timeout/",
        "payments-sandbox-complete": "/payments/sandbox/complete/",
        "payments-callback-paybill-validation": "/payments/callbacks/paybill/sandbox-callback-token/validation/",
        "payments-callback-paybill-confirmation":
            "/payments/callbacks/paybill/sandbox-callback-token/confirmation/",
        "payments-sandbox-paybill": "/payments/sandbox/paybill/",
        "payment-link": f"/payments/links/{pending}/", "payment-link-pay": f"/payments/links/{pending}/pay/",
        "payment-link-status": f"/payments/links/{pending}/status/",
        "payment-link-card": f"/payments/links/{pending}/card/",
        "payment-link-receipt": f"/payments/links/{paid}/receipt/",
        "payments-callback-cybersource": "/payments/callbacks/cybersource/",
        "payments-sandbox-cybersource-pay": "/payments/sandbox/cybersource/pay/",
        "voucherify-orders": "/v1/orders", "voucherify-orders-import": "/v1/orders/import",
        "voucherify-orders-export": "/v1/orders/export", "voucherify-order": f"/v1/orders/{w['api_order_id']}",
        "voucherify-async-action": f"/v1/async-actions/{w['async_action'].pk}",
        "voucherify-export": f"/v1/exports/{export}", "voucherify-export-download": w["export_download"],
        r"v1/^[\s\S]*$": "/v1/no-such-route",
    }


def _bodies(w: World) -> dict[tuple[str, str], object]:
    """The body of each write, where one is needed."""
    c2b = {"TransactionType": "Pay Bill", "TransID": "RKTQDM7W6S", "TransTime": "20261203063845",
           "TransAmount": "1000", "BusinessShortCode": "600638", "BillRefNumber": w["pending_order"].order_number,
           "MSISDN": "25470****149", "FirstName": "John"}
    return {
        ("agent-invitation-accept", "POST"): {}, ("agent-invitation-decline", "POST"): {},
        ("verification-resend", "POST"): {"email": w.customer.email},
        ("verification", "POST"): {"email": w.customer.email, "code": "12345"},
        ("token-refresh", "POST"): {"refresh": str(RefreshToken.for_user(w.customer))},
        ("token", "POST"): {"email": w.customer.email, "password": PASSWORD},
        ("password-reset-confirm", "POST"): {"email": w.customer.email, "code": "12345", "password": "Other-pass-2026",
                                              "confirm_password": "Other-pass-2026"},
        ("password-reset", "POST"): {"email": w.customer.email},
        ("user-list", "POST"): {"email": "newcomer@example.com", "password": PASSWORD, "confirm_password": PASSWORD},
        ("user-detail", "PATCH"): {"first_name": "Renamed"},
        ("user-detail", "PUT"): {"first_name": "Renamed", "last_name": "Person", "phone_number": "+254720999888"},
        ("store-type-list", "POST"): {"name": "books"},
        ("store-type-detail", "PUT"): {"name": "podcasts"}, ("store-type-detail", "PATCH"): {"name": "podcasts"},
        ("store-agent-list", "POST"): {"email": "gate@example.com"},
        ("store-api-key-list", "POST"): {"name": "till"},
        ("store-list", "POST"): {"store_name": "New store", "store_type_id": str(w.a.store.store_type_id),
                                 "country": "KE", "default_currency": "KES"},
        ("store-detail", "PATCH"): {"store_name": "Renamed store"},
        ("store-detail", "PUT"): {"store_name": "Renamed store", "store_type_id": str(w.a.store.store_type_id),
                                  "country": "KE", "default_currency": "KES"},
        ("event-category-list", "POST"): {"category_name": "Festivals", "event_label": "festival"},
        ("event-category-detail", "PUT"): {"category_name": "Fairs", "event_label": "fair"},
        ("event-category-detail", "PATCH"): {"category_name": "Fairs"},
        ("event-public-list", "POST"): _event_body(w), ("event-list", "POST"): _event_body(w),
        ("event-detail", "PUT"): _event_body(w), ("event-detail", "PATCH"): {"event_name": "Renamed"},
        ("schedule-list", "POST"): {"event_fk": str(w["event"].pk), "title": "Day 2", "start": _when(8),
                                    "end": _when(8, 2)},
        ("schedule-detail", "PUT"): {"event_fk": str(w["event"].pk), "title": "Day 2", "start": _when(8),
                                     "end": _when(8, 2)},
        ("schedule-detail", "PATCH"): {"title": "Day 3"},
        ("ticket-list", "POST"): {"ticket_name": "Student", "event_fk": str(w["event"].pk), "quantity": 10,
                                  "ticket_value": "500.00"},
        ("ticket-detail", "PUT"): {"ticket_name": "Student", "event_fk": str(w["event"].pk), "quantity": 60,
                                   "ticket_value": "1000.00"},
        ("ticket-detail", "PATCH"): {"ticket_name": "Renamed"},
        ("category-list", "POST"): {"name": "Jazz"},
        ("category-detail", "PUT"): {"name": "Blues"}, ("category-detail", "PATCH"): {"name": "Blues"},
        ("media-type-list", "POST"): {"name": "PODCAST"},
        ("media-type-detail", "PUT"): {"name": "AUDIOBOOK"}, ("media-type-detail", "PATCH"): {"name": "AUDIOBOOK"},
        ("album-media-file-list", "POST"): {"file": _mp3(), "title": "Intro"},
        ("album-list", "POST"): {"store": str(w.a.store.pk), "name": "New album", "description": "Songs.",
                                 "media_type": str(w["media_type"].pk), "prices": {"KES": "500.00"}},
        ("album-detail", "PUT"): {"store": str(w.a.store.pk), "name": "Renamed album", "description": "Songs.",
                                  "media_type": str(w["media_type"].pk), "prices": {"KES": "500.00"}},
        ("album-detail", "PATCH"): {"name": "Renamed album"},
        ("promo-code-list", "POST"): _promo_body(w),
        ("promo-code-validate", "POST"): {"code": "AUTHZ10", "item_id": str(w["ticket"].pk),
                                          "type_name": "store.ticket", "item_quantity": 1},
        ("promo-code-detail", "PUT"): _promo_body(w), ("promo-code-detail", "PATCH"): {"promo_name": "Renamed"},
        ("promocode-group-list", "POST"): {"codes": ["NEWGROUP"], "discount_type": "PERCENT", "percent_discount": 5},
        ("promocode-group-detail", "PUT"): {"discount_type": "PERCENT", "percent_discount": 7},
        ("promocode-group-detail", "PATCH"): {"percent_discount": 7},
        ("orders-list", "POST"): _order_body(w), ("orders-cancel", "POST"): {}, ("orders-refund", "POST"): {},
        ("order-v1-list", "POST"): _v1_order_body(w), ("order-v1-validate-order", "POST"): _v1_order_body(w),
        ("order-v1-verify-order", "POST"): {"order_number": w["paid_order"].order_number,
                                            "phone_number": CUSTOMER["phone_number"]},
        ("check-in-batch", "POST"): [_scan(w)], ("check-in", "POST"): {"code": w["ticket_code"], "gate": "North"},
        ("payments-callback-mpesa", "POST"): {}, ("payments-callback-airtel", "POST"): {},
        ("payments-callback-mtn", "POST"): {}, ("payments-callback-mtn", "PUT"): {},
        ("payments-callback-mpesa-reversal", "POST"): {}, ("payments-callback-mpesa-reversal-timeout", "POST"): {},
        ("payments-sandbox-complete", "POST"): {"order_number": w["pending_order"].order_number},
        ("payments-callback-paybill-validation", "POST"): c2b, ("payments-callback-paybill-confirmation", "POST"): c2b,
        ("payments-sandbox-paybill", "POST"): {"account_number": w["pending_order"].order_number, "amount": "1000"},
        ("payment-link-pay", "POST"): {"phone_number": CUSTOMER["phone_number"]},
        ("payment-link-card", "POST"): {}, ("payments-callback-cybersource", "POST"): {},
        ("voucherify-orders", "POST"): {"source_id": "authz-new", "amount": 5000},
        ("voucherify-orders-import", "POST"): [{"source_id": "authz-import-2", "amount": 100}],
        ("voucherify-orders-export", "POST"): {},
        ("voucherify-order", "PUT"): {"metadata": {"note": "changed"}},
    }


def calls(w: World) -> dict[tuple[str, str], Call]:
    """(route name, method) → the request to send, for every route the world knows."""
    paths, bodies = _paths(w), _bodies(w)
    table = {}
    for name, path in paths.items():
        for method in WHOLE:
            body = bodies.get((name, method), WHOLE[method])
            table[(name, method)] = Call(path, body, "multipart" if name == "album-media-file-list" else "json")
    return table
