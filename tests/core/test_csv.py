"""csv_safe: a CSV cell a spreadsheet would run as a formula is escaped with a leading quote."""
import pytest

from mookh.core.csv import csv_safe


@pytest.mark.parametrize("value", ["=1+2", "+254720111222", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1",
                                   '=HYPERLINK("http://evil.example","click")'])
def test_csv_safe_prefixes_a_quote_when_cell_starts_like_a_formula(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value, expected", [("Jane Doe", "Jane Doe"), ("a=b", "a=b"), (8300, "8300"),
                                             (None, ""), ("", ""), ("'quoted", "'quoted")])
def test_csv_safe_keeps_the_cell_when_it_cannot_start_a_formula(value, expected):
    assert csv_safe(value) == expected
