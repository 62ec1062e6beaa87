"""The QR posters: a large call to action, the code read back from the pixels, the unit's name wrapped,
and on Zalo (whose link carries no unit) what to send and which code to type."""

from __future__ import annotations

from PIL import Image

from bot import posters

NAME = "Công đoàn cơ sở Trường Mầm non Kim Hỷ"
ZALO = "https://zalo.me/1234567890123456789"


def reads_back(poster: posters.Poster, link: str) -> bool:
    """Every module of the link's QR code is where the poster says, dark or light as it should be."""
    image = poster.image.convert("L")
    matrix = posters.qr_matrix(link)
    left, top, box = poster.qr
    assert box >= 10 and len(matrix) * box >= posters.WIDTH * 0.7  # large enough to print and scan
    return all(
        (image.getpixel((left + column * box + box // 2, top + row * box + box // 2)) < 128) == dark
        for row, cells in enumerate(matrix) for column, dark in enumerate(cells)
    )


def ink(image: Image.Image, top: int, bottom: int) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom) around what is printed between two heights."""
    box = Image.eval(image.convert("L").crop((0, top, image.width, bottom)), lambda v: 255 - v).getbbox()
    return box and (box[0], box[1] + top, box[2], box[3] + top)


def test_the_telegram_poster_holds_the_deep_link_under_a_call_to_action():
    poster = posters.telegram("@sangkien_bot", "CDCS-MN-KIMHY", NAME)
    assert poster.link == "https://t.me/sangkien_bot?start=CDCS-MN-KIMHY"
    assert reads_back(poster, poster.link)
    assert poster.lines[0] == "Quét mã để gửi sáng kiến"
    assert " ".join(poster.lines[1:]).startswith(NAME)
    assert "Mã đơn vị: CDCS-MN-KIMHY" in " ".join(poster.lines)


def test_the_call_to_action_is_one_large_line_above_the_code():
    poster = posters.telegram("@sangkien_bot", "CDCS-MN-KIMHY", NAME)
    left, top, box = poster.qr
    heading = ink(poster.image, 0, top)
    assert heading is not None
    assert heading[3] - heading[1] >= 50  # px tall: about 8 mm at 150 dpi, read from a few metres
    assert heading[2] - heading[0] >= posters.WIDTH * 0.6
    name = ink(poster.image, top + len(posters.qr_matrix(poster.link)) * box, poster.image.height)
    assert heading[3] - heading[1] > (name[3] - name[1]) / len(poster.lines[1:])  # taller than a line below


def test_the_zalo_poster_holds_the_bot_link_and_says_what_to_type():
    poster = posters.zalo(ZALO, "CDCS-MN-KIMHY", NAME)
    assert poster.link == ZALO
    assert reads_back(poster, ZALO)
    text = " ".join(poster.lines)
    assert poster.lines[0] == "Quét mã để gửi sáng kiến"
    assert NAME in text
    assert 'Quét mã bằng Zalo, nhắn "Sáng kiến mới"' in text
    assert "Khi bot hỏi đơn vị, gõ: CDCS-MN-KIMHY" in text
    assert ZALO in text and "start=" not in text and "/" + "new" not in text


def test_a_poster_saves_as_a_portrait_png(tmp_path):
    for poster in (posters.telegram("@sangkien_bot", "CDCS-MN-KIMHY", NAME), posters.zalo(ZALO, "CDCS-MN-KIMHY", NAME)):
        path = poster.save(tmp_path / "poster.png")
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width == posters.WIDTH
            assert image.height > image.width  # the square code with text above and under it


def test_long_names_and_codes_wrap_and_make_a_taller_poster():
    long_name = NAME + ", huyện Kim Sơn, tỉnh Ninh Bình"
    for make in (lambda *a: posters.telegram("@sangkien_bot", *a), lambda *a: posters.zalo(ZALO, *a)):
        short, long = make("KIMHY", "Kim Hỷ"), make("W" * 64, long_name)
        assert short.image.width == long.image.width == posters.WIDTH
        assert long.image.height > short.image.height
        assert len(long.lines) > len(short.lines)
        below = ink(long.image, long.qr[1], long.image.height)
        assert below[0] >= posters.MARGIN - 2 and below[2] <= posters.WIDTH - posters.MARGIN + 2  # nothing runs off


def test_wrap_keeps_every_word_within_the_width():
    font = posters.font("DejaVuSans-Bold.ttf", posters.NAME_SIZE)
    long_name = NAME + ", huyện Kim Sơn, tỉnh Ninh Bình"
    lines = posters.wrap(long_name, font, 880)
    assert len(lines) > 1 and " ".join(lines) == long_name
    assert all(font.getlength(line) <= 880 for line in lines)
    assert posters.wrap("Kim Hỷ", font, 880) == ["Kim Hỷ"]


def test_a_word_wider_than_a_line_is_broken():
    font = posters.font("DejaVuSans.ttf", 20)
    lines = posters.wrap("W" * 200, font, 300)
    assert len(lines) > 1 and "".join(lines) == "W" * 200
    assert all(font.getlength(line) <= 300 for line in lines)
