"""The register books' printing shared by both directions: periods and NĐ30 dates."""

from __future__ import annotations

from datetime import date

import pytest

from qlvb.registers import printing
from qlvb.registers.printing import BadPeriod, Period

# --- Periods ------------------------------------------------------------------------------

def test_period_parsing():
    assert printing.parse_date("05/03/2026") == date(2026, 3, 5)
    assert printing.parse_date("5/3/2026") == date(2026, 3, 5)
    assert printing.parse_date("2026-03-05") == date(2026, 3, 5)
    for bad in ("31/02/2026", "hôm qua", "05/13/2026", "", "1/1/0001", "31/12/9999", "1" * 300):
        with pytest.raises(BadPeriod):
            printing.parse_date(bad)
    assert Period.from_query({}, today=date(2026, 2, 11)) == Period(date(2026, 2, 1), date(2026, 2, 28))
    with pytest.raises(BadPeriod):
        Period.from_query({"from": "10/03/2026", "to": "01/03/2026"})
    assert printing.long_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert printing.long_date(date(2026, 11, 15)) == "ngày 15 tháng 11 năm 2026"
