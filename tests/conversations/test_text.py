"""Issue 15: a record id read from what a person sends is bounded (1 to 2**31-1): a bigger one overflowed the
database's integer and the update failed with a traceback instead of being answered like an unknown id."""

import pytest

from conversations.text import MAX_ID, id_after, record_id


@pytest.mark.parametrize(("text", "expected"), [
    ("123", 123), (" 42 ", 42), (str(MAX_ID), MAX_ID), ("0", None), (str(MAX_ID + 1), None),
    ("99999999999999999999", None), ("9" * 5000, None), ("²", None), ("١٢", None), ("-5", None), ("+5", None),
    ("1_000", None), ("", None), ("abc", None), (None, None),
])  # fmt: skip
def test_a_record_id_is_a_plain_number_that_fits_the_column(text, expected):
    assert record_id(text) == expected


def test_the_id_a_payload_carries_after_its_prefix():
    assert id_after("rv:12", "rv:") == 12
    assert id_after("rv:99999999999999999999", "rv:") is None
    assert id_after("cp:12", "rv:") is None and id_after(None, "rv:") is None
