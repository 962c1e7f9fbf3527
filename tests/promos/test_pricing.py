"""The pure pricing function: every rule and every refusal reason, without a database."""
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from promos.pricing import CartLine, PromoRules, promo_discount

STORE, OTHER_STORE = uuid.uuid4(), uuid.uuid4()
EVENT, CATEGORY, TICKET = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
ALBUM, GENRE = uuid.uuid4(), uuid.uuid4()
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.utc)

RULES = PromoRules(
    promo_code_id=uuid.uuid4(), code="SAVE", store_id=STORE, currency="KES", time_zone="Africa/Nairobi",
    event_id=None, discount_type="PERCENT", percent_discount=Decimal("10"), fixed_discount=None,
    minimum_amount=Decimal("0"), usage_type="X_USES_TOTAL", max_uses=None, max_uses_per_user=None, uses=0,
    starts_at=None, ends_at=None, expiry_date=None, is_active=True, applicable_all=True,
    products=frozenset(), categories=frozenset(), product_prices=frozenset(),
)
TICKET_LINE = CartLine(item_id=TICKET, type_name="store.ticket", store_id=STORE, event_id=EVENT,
                       category_id=CATEGORY, ticket_id=TICKET, unit_price=Decimal("1000.00"), quantity=1,
                       currency="KES")
ALBUM_LINE = CartLine(item_id=ALBUM, type_name="digital_content.album", store_id=STORE, event_id=None,
                      category_id=GENRE, ticket_id=None, unit_price=Decimal("500.00"), quantity=1, currency="KES")


def quote(rules=RULES, line=TICKET_LINE, customer_uses=0, now=NOW):
    return promo_discount(rules=rules, line=line, customer_uses=customer_uses, now=now)


def test_percent_discount_applies_per_unit_when_rules_allow():
    result = quote(line=replace(TICKET_LINE, quantity=3))
    assert (result.discount, result.unit_discount, result.reason) == (Decimal("300.00"), Decimal("100.00"), None)


def test_fixed_discount_applies_per_unit_when_type_is_fixed():
    rules = replace(RULES, discount_type="FIXED", fixed_discount=Decimal("150"), percent_discount=Decimal("13"))
    assert quote(rules, replace(TICKET_LINE, quantity=2)).discount == Decimal("300.00")


def test_percent_amount_ignored_when_type_is_fixed_and_both_sent():
    rules = replace(RULES, discount_type="PERCENT", fixed_discount=Decimal("15"), percent_discount=Decimal("13"))
    assert quote(rules).discount == Decimal("130.00")


def test_fixed_discount_never_below_zero_when_larger_than_price():
    rules = replace(RULES, discount_type="FIXED", fixed_discount=Decimal("5000"))
    result = quote(rules, replace(TICKET_LINE, quantity=2))
    assert (result.unit_discount, result.discount) == (Decimal("1000.00"), Decimal("2000.00"))


def test_percent_rounds_half_up_to_cents_when_fraction():
    rules = replace(RULES, percent_discount=Decimal("12.5"))
    assert quote(rules, replace(TICKET_LINE, unit_price=Decimal("0.20"))).unit_discount == Decimal("0.03")
    assert quote(rules, replace(TICKET_LINE, unit_price=Decimal("0.28"))).unit_discount == Decimal("0.04")


def test_hundred_percent_makes_line_free_when_percent_is_100():
    rules = replace(RULES, percent_discount=Decimal("100"))
    assert quote(rules, replace(TICKET_LINE, quantity=4)).discount == Decimal("4000.00")


def test_unknown_when_no_rules():
    assert quote(rules=None).reason == "unknown"


def test_inactive_when_flag_off():
    result = quote(replace(RULES, is_active=False))
    assert (result.discount, result.reason) == (None, "inactive")
    assert result.detail


def test_not_started_when_before_start():
    assert quote(replace(RULES, starts_at=NOW + timedelta(seconds=1))).reason == "not_started"


def test_valid_when_exactly_at_start_and_end():
    assert quote(replace(RULES, starts_at=NOW, ends_at=NOW)).reason is None


def test_expired_when_after_end():
    assert quote(replace(RULES, ends_at=NOW - timedelta(seconds=1))).reason == "expired"


def test_expiry_date_inclusive_in_store_time_zone_when_last_day():
    # 23:30 in Nairobi on 2026-06-15 is 20:30 UTC: still the last valid day there.
    rules = replace(RULES, expiry_date=date(2026, 6, 15))
    assert quote(rules, now=datetime(2026, 6, 15, 20, 30, tzinfo=timezone.utc)).reason is None


def test_expired_when_past_expiry_date_in_store_time_zone_though_not_in_utc():
    # 21:30 UTC on the 15th is already 00:30 on the 16th in Nairobi.
    rules = replace(RULES, expiry_date=date(2026, 6, 15))
    assert quote(rules, now=datetime(2026, 6, 15, 21, 30, tzinfo=timezone.utc)).reason == "expired"


def test_not_applicable_when_other_store():
    assert quote(line=replace(TICKET_LINE, store_id=OTHER_STORE)).reason == "not_applicable"


def test_not_applicable_when_other_event():
    assert quote(replace(RULES, event_id=uuid.uuid4())).reason == "not_applicable"
    assert quote(replace(RULES, event_id=EVENT)).reason is None
    assert quote(replace(RULES, event_id=EVENT), ALBUM_LINE).reason == "not_applicable"


def test_applies_when_product_is_the_ticket_event_or_the_album():
    rules = replace(RULES, applicable_all=False, products=frozenset({str(EVENT), str(ALBUM)}))
    assert quote(rules).reason is None
    assert quote(rules, ALBUM_LINE).reason is None
    assert quote(rules, replace(TICKET_LINE, event_id=uuid.uuid4())).reason == "not_applicable"


def test_applies_when_category_is_event_category_or_content_category():
    rules = replace(RULES, applicable_all=False, categories=frozenset({str(CATEGORY), str(GENRE)}))
    assert quote(rules).reason is None
    assert quote(rules, ALBUM_LINE).reason is None
    assert quote(rules, replace(ALBUM_LINE, category_id=None)).reason == "not_applicable"


def test_applies_when_product_price_is_the_ticket_type():
    rules = replace(RULES, applicable_all=False, product_prices=frozenset({str(TICKET)}))
    assert quote(rules).reason is None
    assert quote(rules, ALBUM_LINE).reason == "not_applicable"
    assert quote(rules, replace(TICKET_LINE, item_id=uuid.uuid4(), ticket_id=uuid.uuid4())).reason == "not_applicable"


def test_not_applicable_when_fixed_amount_and_other_currency():
    rules = replace(RULES, discount_type="FIXED", fixed_discount=Decimal("100"))
    assert quote(rules, replace(TICKET_LINE, currency="USD", unit_price=Decimal("8"))).reason == "not_applicable"
    assert quote(line=replace(TICKET_LINE, currency="USD", unit_price=Decimal("8"))).discount == Decimal("0.80")


def test_below_minimum_when_line_amount_before_discount_is_lower():
    rules = replace(RULES, minimum_amount=Decimal("3000"))
    assert quote(rules, replace(TICKET_LINE, quantity=2)).reason == "below_minimum"
    assert quote(rules, replace(TICKET_LINE, quantity=3)).reason is None


def test_exhausted_when_line_needs_more_units_than_left():
    rules = replace(RULES, max_uses=5, uses=3)
    assert quote(rules, replace(TICKET_LINE, quantity=2)).reason is None
    assert quote(rules, replace(TICKET_LINE, quantity=3)).reason == "exhausted"


@pytest.mark.parametrize("usage_type, expected", [("X_USES_PER_PERSON", "per_person_limit"), ("X_USES_TOTAL", None)])
def test_per_person_limit_only_when_usage_type_is_per_person(usage_type, expected):
    rules = replace(RULES, usage_type=usage_type, max_uses_per_user=2)
    assert quote(rules, replace(TICKET_LINE, quantity=2), customer_uses=1).reason == expected
    assert quote(rules, TICKET_LINE, customer_uses=1).reason is None
