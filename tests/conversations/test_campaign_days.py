"""The days an officer types for a campaign, read on Saturday 21/11/2026."""

from datetime import date

import pytest

from conversations.parsing.days import parse_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23/11/2026", date(2026, 11, 23)), ("23-11-26", date(2026, 11, 23)), ("2026-11-23", date(2026, 11, 23)),
        ("23/11", date(2026, 11, 23)), ("5/1", date(2027, 1, 5)), ("ngày 1 tháng 12 năm 2026", date(2026, 12, 1)),
        ("Thứ Hai tới", date(2026, 11, 23)), ("thu 2 tuan sau", date(2026, 11, 23)), ("next Monday", date(2026, 11, 23)),
        ("thứ sáu", date(2026, 11, 27)), ("chủ nhật", date(2026, 11, 22)), ("hôm nay", date(2026, 11, 21)),
        ("ngày mai", date(2026, 11, 22)), ("31/2/2027", None), ("mai kia", None), ("", None), ("23", None),
    ],
)  # fmt: skip
def test_days_as_people_type_them(text, expected):
    assert parse_day(text, date(2026, 11, 21)) == expected


def test_the_furthest_day_is_five_years_ahead_and_a_kind_added_to_it_stays_a_date():
    """Issue 15: nothing bounded the year, so 31/12/9999 plus a week's days overflowed (an OverflowError traceback)."""
    from datetime import timedelta

    from conversations.campaign_rules import furthest

    assert furthest(date(2026, 11, 21)) == date(2031, 11, 22)
    assert parse_day("31/12/9999", date(2026, 11, 21)) > furthest(date(2026, 11, 21))  # read, then refused as too far
    assert furthest(date(2026, 11, 21)) + timedelta(days=366) < date.max
