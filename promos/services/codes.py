"""Writing codes: merchant-chosen ones and random ones, unique per store whatever the case."""
import re
import secrets
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models.functions import Upper

from mookh.core.errors import InvalidInput
from promos.models import PromoCode, Promotion

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 8
GENERATE_MAX = 10_000
CODES_MAX = 10_000
CODE_CHARACTERS = r"[A-Za-z0-9_-]{3,32}"
CODE_PATTERN = re.compile(rf"^{CODE_CHARACTERS}$")
CODE_RULE = "Use 3 to 32 letters, digits, - or _."
GENERATE_ATTEMPTS = 5
BATCH_SIZE = 2_000


def code_random() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(GENERATED_LENGTH))


def _taken(*, store_id, uppers) -> set[str]:
    """Which of `uppers` (upper-cased codes) the store already has; uses the (store, upper(code)) index."""
    found: set[str] = set()
    uppers = list(uppers)
    for start in range(0, len(uppers), BATCH_SIZE):
        found.update(PromoCode.objects.annotate(upper=Upper("code"))
                     .filter(store_id=store_id, upper__in=uppers[start:start + BATCH_SIZE])
                     .values_list("upper", flat=True))
    return found


def _custom_codes_check(*, store_id, codes: Sequence[str], field: str) -> list[str]:
    cleaned = [str(code).strip() for code in codes]
    problems = [f"'{code}' is not a valid code. {CODE_RULE}"
                for code in cleaned if not CODE_PATTERN.match(code)]
    if len(cleaned) > CODES_MAX:
        problems.append(f"At most {CODES_MAX} codes at once.")
    seen: set[str] = set()
    for code in cleaned:
        if code.upper() in seen:
            problems.append(f"'{code}' appears more than once (codes are not case-sensitive).")
        seen.add(code.upper())
    if problems:
        raise InvalidInput({field: problems})
    taken = _taken(store_id=store_id, uppers=seen)
    if taken:
        raise InvalidInput({field: [f"'{code}' already exists in this store." for code in cleaned
                                    if code.upper() in taken]})
    return cleaned


def _insert(rows: list[PromoCode]) -> bool:
    """Insert all rows or none; False when a unique index refused them (a concurrent insert)."""
    try:
        with transaction.atomic():
            PromoCode.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    except IntegrityError:
        return False
    return True


def _generate(*, promotion: Promotion, count: int) -> list[PromoCode]:
    for _attempt in range(GENERATE_ATTEMPTS):
        candidates: set[str] = set()
        while len(candidates) < count:
            candidates.update(code_random() for _ in range(count - len(candidates)))
            candidates -= _taken(store_id=promotion.store_id, uppers=candidates)
        rows = [PromoCode(promotion=promotion, store_id=promotion.store_id, code=code,
                          max_uses=promotion.max_uses) for code in sorted(candidates)]
        if _insert(rows):
            return rows
    raise InvalidInput({"generate": "Could not generate unique codes; please retry."})


@transaction.atomic
def codes_add(*, promotion: Promotion, codes: Sequence[str] = (), generate: int = 0,
              field_names: dict[str, str] | None = None) -> list[PromoCode]:
    """Add merchant-chosen `codes` and `generate` random ones to `promotion`."""
    names = field_names or {}
    codes_field, generate_field = names.get("codes", "codes"), names.get("generate", "generate")
    if not 0 <= generate <= GENERATE_MAX:
        raise InvalidInput({generate_field: f"Generate between 1 and {GENERATE_MAX} codes at once."})
    cleaned = _custom_codes_check(store_id=promotion.store_id, codes=codes, field=codes_field)
    rows = [PromoCode(promotion=promotion, store_id=promotion.store_id, code=code, max_uses=promotion.max_uses)
            for code in cleaned]
    if rows and not _insert(rows):
        raise InvalidInput({codes_field: "One of these codes was just created in this store."})
    if generate:
        rows += _generate(promotion=promotion, count=generate)
    return rows


@transaction.atomic
def code_rename(*, promo_code: PromoCode, code: str, field: str = "code") -> PromoCode:
    code = str(code).strip()
    if code.upper() == promo_code.code.upper():
        if code != promo_code.code:
            PromoCode.objects.filter(pk=promo_code.pk).update(code=code)
            promo_code.code = code
        return promo_code
    _custom_codes_check(store_id=promo_code.store_id, codes=[code], field=field)
    try:
        with transaction.atomic():
            PromoCode.objects.filter(pk=promo_code.pk).update(code=code)
    except IntegrityError:
        raise InvalidInput({field: f"'{code}' already exists in this store."}) from None
    promo_code.code = code
    return promo_code
