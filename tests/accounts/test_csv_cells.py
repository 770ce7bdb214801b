"""Cells of a CSV export: formula injection, and values as a spreadsheet reads them."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.csv_cells import cell_text, formula_safe

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("-", "'-"),
        ("Acme = good", "Acme = good"),  # only the first character counts
        ("", ""),
        # Plain numbers are no formula: left as numbers.
        ("-3.5", "-3.5"),
        ("+12", "+12"),
        ("42", "42"),
    ],
)
def test_formula_safe(text, written):
    assert formula_safe(text) == written


def test_cell_text_writes_times_in_the_tenants_zone_and_dates_in_iso():
    # 2026-03-09 03:30 UTC is 23:30 the day before in New York (EDT, -4 since 2026-03-08).
    assert cell_text(datetime(2026, 3, 9, 3, 30, tzinfo=UTC), NEW_YORK) == "2026-03-08T23:30:00-04:00"
    assert cell_text(date(2027, 1, 31), NEW_YORK) == "2027-01-31"


def test_cell_text_of_other_values():
    assert cell_text(None, NEW_YORK) == ""
    assert cell_text(True, NEW_YORK) == "yes"
    assert cell_text(False, NEW_YORK) == "no"
    assert cell_text(Decimal("120000.50"), NEW_YORK) == "120000.50"
    assert cell_text(Decimal("1E+3"), NEW_YORK) == "1000"
    assert cell_text(["read", "write"], NEW_YORK) == "read, write"
    assert cell_text(7, NEW_YORK) == "7"
