from mookh.core.errors import DomainError


class PromoExhausted(DomainError):
    code = "promo_exhausted"
    message = "This promo code has no uses left."


class PromoPerPersonLimit(DomainError):
    code = "promo_per_person_limit"
    message = "This customer has already used this promo code as many times as allowed."


class PromoInUse(DomainError):
    code = "promo_in_use"
    message = "This promo code has been used in orders; deactivate it instead of deleting it."
