"""The QR poster: the deep link, the PNG, the QR modules read back from the pixels, and the name wrapping."""

from __future__ import annotations

import pytest
from PIL import Image

from bot.channels.telegram import qr

NAME = "Công đoàn cơ sở Trường Mầm non Kim Hỷ"


def test_deep_link_strips_the_at_sign():
    assert qr.deep_link("@sangkien_bot", "CDCS-MN-KIMHY") == "https://t.me/sangkien_bot?start=CDCS-MN-KIMHY"
    assert qr.deep_link("sangkien_bot", "a_b-9") == "https://t.me/sangkien_bot?start=a_b-9"


@pytest.mark.parametrize("code", ["CDCS MN", "Kim-Hỷ", "MẦM-NON", "", "a" * 65, "x/y", "x?y", "ABC\n"])
def test_codes_telegram_would_not_carry_are_refused(code):
    with pytest.raises(ValueError):
        qr.deep_link("@sangkien_bot", code)


def test_the_longest_code_is_allowed():
    assert qr.deep_link("@sangkien_bot", "A" * 64).endswith("=" + "A" * 64)


def test_write_poster_writes_a_png(tmp_path):
    path = qr.write_poster(tmp_path / "kimhy.png", "@sangkien_bot", "CDCS-MN-KIMHY", NAME)
    assert path == tmp_path / "kimhy.png"
    with Image.open(path) as image:
        assert image.format == "PNG"
        width, height = image.size
    assert width == qr.WIDTH
    assert height > width  # portrait: the square QR code with the text under it


def test_the_poster_holds_the_qr_code_of_the_link():
    link = qr.deep_link("@sangkien_bot", "CDCS-MN-KIMHY")
    image = qr.poster("@sangkien_bot", "CDCS-MN-KIMHY", NAME).convert("L")

    code = qr.qrcode.QRCode(error_correction=qr.ERROR_CORRECTION, border=qr.BORDER)
    code.add_data(link)
    code.make(fit=True)
    matrix = code.get_matrix()
    assert any(any(row) for row in matrix)

    left, top, box = qr._layout(len(matrix))
    assert box >= 10  # large enough to print and scan
    assert len(matrix) * box >= qr.WIDTH * 0.7
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            pixel = image.getpixel((left + column * box + box // 2, top + row * box + box // 2))
            assert (pixel < 128) == dark, (row, column)


def test_a_long_name_wraps_onto_several_lines():
    font = qr._font("DejaVuSans-Bold.ttf", qr.NAME_SIZE)
    long_name = NAME + ", huyện Kim Sơn, tỉnh Ninh Bình"
    lines = qr.wrap_name(long_name, font, 880)
    assert len(lines) > 1
    assert " ".join(lines) == long_name
    assert all(font.getlength(line) <= 880 for line in lines)
    assert qr.wrap_name("Kim Hỷ", font, 880) == ["Kim Hỷ"]


def test_a_word_wider_than_a_line_is_broken():
    font = qr._font("DejaVuSans.ttf", 20)
    lines = qr.wrap_name("W" * 200, font, 300)
    assert len(lines) > 1 and "".join(lines) == "W" * 200
    assert all(font.getlength(line) <= 300 for line in lines)


def test_long_names_and_codes_make_a_taller_poster():
    short = qr.poster("@sangkien_bot", "KIMHY", "Kim Hỷ")
    long = qr.poster("@sangkien_bot", "W" * 64, NAME + ", huyện Kim Sơn, tỉnh Ninh Bình")
    assert short.width == long.width == qr.WIDTH
    assert long.height > short.height
