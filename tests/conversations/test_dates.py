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
    # English, as the en catalog shows dates ("March 2022", "15 March 2022").
    ("March 2022", date(2022, 3, 1), "month"),
    ("MARCH 2022", date(2022, 3, 1), "month"),
    ("Mar 2022", date(2022, 3, 1), "month"),
    ("Mar. 2022", date(2022, 3, 1), "month"),
    ("march, 2022", date(2022, 3, 1), "month"),
    ("Sept 2021", date(2021, 9, 1), "month"),
    ("sep 2021", date(2021, 9, 1), "month"),
    ("May 2020", date(2020, 5, 1), "month"),
    ("2022 March", date(2022, 3, 1), "month"),
    ("in March 2022", date(2022, 3, 1), "month"),
    ("November 2026", date(2026, 11, 1), "month"),
    ("15 March 2022", date(2022, 3, 15), "day"),
    ("15 Mar 2022", date(2022, 3, 15), "day"),
    ("15-Mar-2022", date(2022, 3, 15), "day"),
    ("March 15, 2022", date(2022, 3, 15), "day"),
    ("Mar. 15, 2022", date(2022, 3, 15), "day"),
    ("march 15 2022", date(2022, 3, 15), "day"),
    ("15th March 2022", date(2022, 3, 15), "day"),
    ("March 15th, 2022", date(2022, 3, 15), "day"),
    ("15th of March 2022", date(2022, 3, 15), "day"),
    ("1st May 2020", date(2020, 5, 1), "day"),
    ("since 15 March 2022", date(2022, 3, 15), "day"),
    ("15 March 22", date(2022, 3, 15), "day"),
    ("February 29, 2024", date(2024, 2, 29), "day"),
    ("21 November 2026", TODAY, "day"),
    ("1 January 1950", date(1950, 1, 1), "day"),
    ("this month", date(2026, 11, 1), "month"),
    ("This Month", date(2026, 11, 1), "month"),
    ("last month", date(2026, 10, 1), "month"),
    ("this year", date(2026, 1, 1), "year"),
    ("last year", date(2025, 1, 1), "year"),
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
    ("Marchh 2022", "not_a_date"),
    ("March", "not_a_date"),
    ("March 15", "not_a_date"),
    ("15 March", "not_a_date"),
    ("Mar 22", "not_a_date"),  # US "March 22nd", not March 2022: no year
    ("March April 2022", "not_a_date"),
    ("March 2022 15", "not_a_date"),
    ("next month", "not_a_date"),
    ("tháng mấy năm 2022", "not_a_date"),  # "mấy" ("which") folds to "may" but is not May
    ("31 February 2022", "invalid"),
    ("February 29, 2023", "invalid"),
    ("March 32, 2022", "invalid"),
    ("December 2026", "future"),
    ("22 November 2026", "future"),
    ("March 1949", "too_old"),
]


@pytest.mark.parametrize(("text", "expected", "precision"), GOOD)
def test_parses(text, expected, precision):
    assert parse_date(text, TODAY) == (expected, precision)


@pytest.mark.parametrize(("text", "reason"), BAD)
def test_rejects(text, reason):
    with pytest.raises(ParseError) as caught:
        parse_date(text, TODAY)
    assert caught.value.reason == reason


@pytest.mark.parametrize("text", ["tháng trước", "last month"])
def test_last_month_wraps_the_year(text):
    assert parse_date(text, date(2026, 1, 15)) == (date(2025, 12, 1), "month")


@given(st.dates(min_value=date(1950, 1, 1), max_value=TODAY))
def test_any_past_day_round_trips(d):
    assert parse_date(d.strftime("%d/%m/%Y"), TODAY) == (d, "day")


MONTHS = ("January", "February", "March", "April", "May", "June",
          "July", "August", "September", "October", "November", "December")


@given(st.dates(min_value=date(1950, 1, 1), max_value=TODAY), st.booleans())
def test_any_past_day_round_trips_in_english(d, abbreviated):
    name = MONTHS[d.month - 1][:3] if abbreviated else MONTHS[d.month - 1]
    assert parse_date(f"{d.day} {name} {d.year}", TODAY) == (d, "day")
    assert parse_date(f"{name} {d.day}, {d.year}", TODAY) == (d, "day")
    assert parse_date(f"{name} {d.year}", TODAY) == (d.replace(day=1), "month")
