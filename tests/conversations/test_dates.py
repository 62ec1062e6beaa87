import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.parsing.dates import parse_date
from conversations.parsing.errors import ParseError

TODAY = date(2026, 11, 21)

GOOD = [
    ("3/2022", date(2022, 3, 1), "month"),
    ("03/2022", date(2022, 3, 1), "month"),
    ("3-2022", date(2022, 3, 1), "month"),
    ("15/3/2022", date(2022, 3, 15), "day"),
    ("15-03-2022", date(2022, 3, 15), "day"),
    ("15.3.2022", date(2022, 3, 15), "day"),
    ("2022-03-15", date(2022, 3, 15), "day"),
    ("2022-03", date(2022, 3, 1), "month"),
    ("tháng 3 năm 2022", date(2022, 3, 1), "month"),
    ("thang 3 nam 2022", date(2022, 3, 1), "month"),
    ("THÁNG 3 NĂM 2022", date(2022, 3, 1), "month"),
    ("tháng 3/2022", date(2022, 3, 1), "month"),
    ("tháng 3 2022", date(2022, 3, 1), "month"),
    ("T3/2022", date(2022, 3, 1), "month"),
    ("ngày 15 tháng 3 năm 2022", date(2022, 3, 15), "day"),
    ("15 tháng 3 năm 2022", date(2022, 3, 15), "day"),
    ("mùng 5 tháng 3 năm 2022", date(2022, 3, 5), "day"),
    (unicodedata.normalize("NFD", "ngày 15 tháng 3 năm 2022"), date(2022, 3, 15), "day"),
    ("năm 2022", date(2022, 1, 1), "year"),
    ("2022", date(2022, 1, 1), "year"),
    ("hôm nay", TODAY, "day"),
    ("hom nay", TODAY, "day"),
    ("today", TODAY, "day"),
    ("hôm qua", date(2026, 11, 20), "day"),
    ("yesterday", date(2026, 11, 20), "day"),
    ("tháng này", date(2026, 11, 1), "month"),
    ("thang nay", date(2026, 11, 1), "month"),
    ("tháng trước", date(2026, 10, 1), "month"),
    ("thang truoc", date(2026, 10, 1), "month"),
    ("năm nay", date(2026, 1, 1), "year"),
    ("năm ngoái", date(2025, 1, 1), "year"),
    ("nam ngoai", date(2025, 1, 1), "year"),
    ("năm trước", date(2025, 1, 1), "year"),
    ("15/3/22", date(2022, 3, 15), "day"),
    ("3/99", date(1999, 3, 1), "month"),
    ("từ tháng 3/2022", date(2022, 3, 1), "month"),
    ("21/11/2026", TODAY, "day"),
    ("tháng 11/2026", date(2026, 11, 1), "month"),
    ("năm 2026", date(2026, 1, 1), "year"),
    ("1/1/1950", date(1950, 1, 1), "day"),
]

BAD = [
    ("", "empty"),
    ("   ", "empty"),
    ("abc", "not_a_date"),
    ("??", "not_a_date"),
    ("15", "not_a_date"),
    ("15/3", "not_a_date"),
    ("tháng 3", "not_a_date"),
    ("1/2/3/2022", "not_a_date"),
    ("15/3/20222", "not_a_date"),
    ("31/2/2022", "invalid"),
    ("29/2/2023", "invalid"),
    ("13/2022", "invalid"),
    ("0/2022", "invalid"),
    ("32/1/2022", "invalid"),
    ("22/11/2026", "future"),
    ("1/1/2027", "future"),
    ("12/2026", "future"),
    ("tháng 12 năm 2026", "future"),
    ("2027", "future"),
    ("31/12/1949", "too_old"),
    ("3/1949", "too_old"),
    ("1949", "too_old"),
    ("3/30", "too_old"),
]


@pytest.mark.parametrize(("text", "expected", "precision"), GOOD)
def test_parses(text, expected, precision):
    assert parse_date(text, TODAY) == (expected, precision)


@pytest.mark.parametrize(("text", "reason"), BAD)
def test_rejects(text, reason):
    with pytest.raises(ParseError) as caught:
        parse_date(text, TODAY)
    assert caught.value.reason == reason


def test_last_month_wraps_the_year():
    assert parse_date("tháng trước", date(2026, 1, 15)) == (date(2025, 12, 1), "month")


@given(st.dates(min_value=date(1950, 1, 1), max_value=TODAY))
def test_any_past_day_round_trips(d):
    assert parse_date(d.strftime("%d/%m/%Y"), TODAY) == (d, "day")
