"""The order engine's only door to the promotions engine: price lines, reserve and release uses."""
from promos import selectors as promo_selectors
from promos.errors import PromoExhausted, PromoPerPersonLimit
from promos.pricing import CartLine, promo_discount
from promos.services import RedemptionRequest, promo_uses_confirm, promo_uses_release, promo_uses_reserve

__all__ = ["lines_discount", "order_promo_uses_reserve", "promo_uses_confirm", "promo_uses_release"]


def lines_discount(lines, *, currency: str, email: str, phone: str, now) -> dict[int, dict]:
    """Set `promo_amount` on every line carrying a code; return errors by line index."""
    errors: dict[int, dict] = {}
    for line in lines:
        if not line.promotional_code:
            continue
        code = promo_selectors.promo_code_find(store_id=line.store.pk, code=line.promotional_code)
        if code is None:
            errors[line.index] = {"promotional_code": ["unknown: no such promo code for this item's store."]}
            continue
        cart_line = CartLine(
            item_id=line.item.pk, type_name=line.type_name, store_id=line.store.pk, event_id=line.event_id,
            category_id=line.category_id, ticket_id=line.item.pk if line.event_id else None,
            unit_price=line.unit_price, quantity=line.quantity, currency=currency,
        )
        uses = promo_selectors.promo_customer_uses(promo_code=code, email=email, phone=phone)
        quote = promo_discount(rules=promo_selectors.promo_rules_for(code), line=cart_line,
                               customer_uses=uses, now=now)
        # Running out is a conflict with other buyers (409); any other reason is bad input (400).
        if quote.reason == "exhausted":
            raise PromoExhausted(promo_code=line.promotional_code)
        if quote.reason == "per_person_limit":
            raise PromoPerPersonLimit(promo_code=line.promotional_code)
        if quote.reason:
            errors[line.index] = {"promotional_code": [f"{quote.reason}: this promo code does not apply."]}
            continue
        line.promo_code_id = code.pk
        line.promo_amount = quote.discount
    return errors


def order_promo_uses_reserve(*, order, lines, order_lines, email: str, phone: str) -> None:
    requests = [
        RedemptionRequest(promo_code_id=line.promo_code_id, order_line_id=order_line.pk, units=line.quantity,
                          email=email, phone=phone, discount_amount=line.promo_amount)
        for line, order_line in zip(lines, order_lines)
        if line.promo_code_id
    ]
    if requests:
        promo_uses_reserve(order_id=order.pk, redemptions=requests)
