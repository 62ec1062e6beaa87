import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.parsing.errors import ParseError
from conversations.parsing.money import MAX_AMOUNT, parse_money

GOOD = [
    ("20 triệu", 20_000_000),
    ("20tr", 20_000_000),
    ("20 tr", 20_000_000),
    ("20 triệu đồng", 20_000_000),
    ("20 TRIỆU", 20_000_000),
    ("20 trieu", 20_000_000),
    ("1,5 tỷ", 1_500_000_000),
    ("1.5 ty", 1_500_000_000),
    ("1 ty", 1_000_000_000),
    ("1 tỉ", 1_000_000_000),
    ("1 tỷ 200 triệu", 1_200_000_000),
    ("2 tỷ rưỡi", 2_500_000_000),
    ("500k", 500_000),
    ("500 K", 500_000),
    ("500 nghìn", 500_000),
    ("500 ngàn", 500_000),
    ("500 ngan", 500_000),
    ("20.000.000", 20_000_000),
    ("20,000,000 đồng", 20_000_000),
    ("20000000", 20_000_000),
    ("20.000.000đ", 20_000_000),
    ("20.000.000 VND", 20_000_000),
    ("20.000.000 vnđ", 20_000_000),
    ("20 000 000 đ", 20_000_000),
    ("20.000.000,00 đ", 20_000_000),
    ("1.500 triệu", 1_500_000_000),
    ("2,5tr", 2_500_000),
    ("2,55 triệu", 2_550_000),
    ("0,5 tỷ", 500_000_000),
    ("0,125 tỷ", 125_000_000),
    ("3 trăm triệu", 300_000_000),
    ("20 m", 20_000_000),
    ("20m", 20_000_000),
    ("15 trieu 500 nghin", 15_500_000),
    ("15tr500", 15_500_000),
    ("1ty2", 1_200_000_000),
    ("khoảng 20 triệu", 20_000_000),
    ("  20 triệu.  ", 20_000_000),
    (unicodedata.normalize("NFD", "1,5 tỷ"), 1_500_000_000),
    (unicodedata.normalize("NFD", "500 nghìn đồng"), 500_000),
    ("1.000.000.000.000.000", MAX_AMOUNT),
    # English, as the en catalog shows amounts ("20,000,000 VND") and as people say them.
    ("20 million", 20_000_000),
    ("20 Million", 20_000_000),
    ("20 millions", 20_000_000),
    ("20 mil", 20_000_000),
    ("20 MIL", 20_000_000),
    ("20 million VND", 20_000_000),
    ("20 million dong", 20_000_000),
    ("20m VND", 20_000_000),
    ("20,000,000 VND", 20_000_000),
    ("2.55 million", 2_550_000),
    ("1.5 billion", 1_500_000_000),
    ("1,5 billion", 1_500_000_000),
    ("2 billions", 2_000_000_000),
    ("1.5 bn", 1_500_000_000),
    ("1.5bn", 1_500_000_000),
    ("1.5b", 1_500_000_000),
    ("1.5 B", 1_500_000_000),
    ("1,500 million", 1_500_000_000),
    ("1 billion 200 million", 1_200_000_000),
    ("20 million 500 thousand", 20_500_000),
    ("500 thousand", 500_000),
    ("500 thousands", 500_000),
    ("500 thousand VND", 500_000),
    ("500 thousand đ", 500_000),
    ("0.5 thousand", 500),
    ("about 20 million", 20_000_000),
    ("around 20 million", 20_000_000),
    ("approx 20 million", 20_000_000),
    ("approx. 20 million", 20_000_000),
    ("approximately 1.5 billion", 1_500_000_000),
    ("500kđ", 500_000),
    ("500 nghìnđ", 500_000),
]

BAD = [
    ("", "empty"),
    ("   ", "empty"),
    ("abc", "not_a_number"),
    ("??", "not_a_number"),
    ("đồng", "not_a_number"),
    ("12abc", "not_a_number"),
    ("1,5,6 tỷ", "not_a_number"),
    ("1,5,6", "not_a_number"),
    ("20 30", "not_a_number"),
    ("20 triệu 30 triệu", "not_a_number"),
    ("200 triệu 1 tỷ", "not_a_number"),
    ("20 trieuu", "not_a_number"),
    ("-5 triệu", "not_positive"),
    ("-20.000.000", "not_positive"),
    ("0", "not_positive"),
    ("0 đồng", "not_positive"),
    ("1,5", "fraction"),
    ("20000,5 đ", "fraction"),
    ("1.000.000.000.000.001", "too_large"),
    ("10000000 tỷ", "too_large"),
    ("20 milion", "not_a_number"),
    ("20 millionn", "not_a_number"),
    ("1.5 bil", "not_a_number"),
    ("20 bucks", "not_a_number"),
    ("20 million dollars", "not_a_number"),
    ("20 million 30 million", "not_a_number"),
    ("200 million 1 billion", "not_a_number"),
    ("1,5,6 billion", "not_a_number"),
    ("about", "not_a_number"),
    ("million", "not_a_number"),
    ("-20 million", "not_positive"),
    ("0 million", "not_positive"),
    ("0,0005 thousand", "fraction"),
    ("2000000 billion", "too_large"),
]


@pytest.mark.parametrize(("text", "expected"), GOOD)
def test_parses(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize(("text", "reason"), BAD)
def test_rejects(text, reason):
    with pytest.raises(ParseError) as caught:
        parse_money(text)
    assert caught.value.reason == reason


def test_result_is_exact_int():
    assert type(parse_money("2,55 triệu")) is int


@given(st.integers(min_value=1, max_value=10**12))
def test_plain_and_dotted_integers_round_trip(n):
    assert parse_money(f"{n:,}".replace(",", ".")) == n
    assert parse_money(str(n)) == n
