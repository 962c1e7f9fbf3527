"""Request limits of the order endpoints (rates in settings.REST_FRAMEWORK, by scope).

Keyed by what the request names first — the buyer's email and phone, the order number — so that
rotating addresses does not help; per-address limits stay generous for carrier NAT.
"""
from mookh.core.identity import email_identity, phone_identity
from mookh.core.throttling import per_address, per_value
from orders.services.pricing import POS_METHODS


def _sold_at_the_gate(request) -> bool:
    """A signed-in agent's CASH or MOBILE_CASH sale (the engine checks they are the store's agent):
    agents sell to many walk-in buyers, who are not the bots these limits are for."""
    data = request.data if hasattr(request.data, "get") else {}
    return request.user.is_authenticated and data.get("payment_method") in POS_METHODS


ORDER_CREATE_THROTTLES = (
    per_value("order_create_email", "customer.email", normalize=email_identity, exempt=_sold_at_the_gate),
    per_value("order_create_phone", "customer.phone_number", normalize=phone_identity, exempt=_sold_at_the_gate),
)
ORDER_LOOKUP_THROTTLES = (
    per_address("order_lookup"),
    per_value("order_lookup_number", "order_number", normalize=lambda number: number.strip().upper()),
    per_value("order_lookup_contact", "phone_number", normalize=phone_identity),
    per_value("order_lookup_contact", "email", normalize=email_identity),
)
