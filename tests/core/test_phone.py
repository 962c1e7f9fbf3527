"""Phone numbers: parsed results are kept, and every answer is still that of a fresh parse."""
import pytest

from mookh.core.phone import InvalidPhoneNumber, phone_country, phone_normalize


def test_a_local_number_reads_by_the_region_it_is_given_each_time():
    assert phone_normalize("0772111222", region="UG") == "+256772111222"
    assert phone_normalize("0720111222", region="KE") == "+254720111222"
    # The same text under another region is another number, not the one read before.
    with pytest.raises(InvalidPhoneNumber):
        phone_normalize("0772111222")
    assert phone_normalize("0712111222", region="KE") == "+254712111222"
    assert phone_normalize("0712111222", region="UG") == "+256712111222"


def test_a_refused_number_is_refused_every_time():
    for _ in range(3):
        with pytest.raises(InvalidPhoneNumber, match="valid international"):
            phone_normalize("+2547")


def test_spacing_around_a_number_does_not_change_it():
    assert phone_normalize(" +254 720 111222 ") == phone_normalize("+254720111222") == "+254720111222"
    assert phone_country("+254720111222") == "KE" and phone_country("+256772111222") == "UG"
