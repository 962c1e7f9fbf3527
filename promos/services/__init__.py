"""Every write of the promotions engine. The order engine calls the redemption functions."""
from promos.services.codes import CODE_ALPHABET, GENERATE_MAX, code_rename, codes_add  # noqa: F401
from promos.services.promotions import promotion_create, promotion_delete, promotion_update  # noqa: F401
from promos.services.redemption import promo_uses_confirm, promo_uses_release, promo_uses_reserve  # noqa: F401
from promos.types import RedemptionRequest  # noqa: F401
