"""A printable QR poster that opens the bot on Telegram already bound to one unit (deep link ?start=<code>)."""

from __future__ import annotations

import pathlib
import re

import matplotlib  # only to find the DejaVu fonts it ships; pyplot is never imported
import qrcode
from PIL import Image, ImageDraw, ImageFont

WIDTH = 1000  # px; the poster is as tall as its contents need
MARGIN = 60  # px around the QR code and the text
BORDER = 4  # quiet zone, in modules (the QR standard's minimum)
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
NAME_SIZE, LINK_SIZE, LINK_MIN_SIZE = 52, 28, 12
_FONTS = pathlib.Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what Telegram accepts after ?start=
_USERNAME = re.compile(r"[A-Za-z0-9_]{1,64}")


def deep_link(bot_username: str, unit_code: str) -> str:
    """https://t.me/<bot>?start=<code>; ValueError when Telegram would not carry the code as given."""
    username = bot_username.strip().removeprefix("@")
    if not _USERNAME.fullmatch(username):
        raise ValueError(f"not a Telegram bot username: {bot_username!r}")
    if not _PAYLOAD.fullmatch(unit_code):
        raise ValueError(f"a start code allows only A-Z a-z 0-9 _ - and 1 to 64 characters: {unit_code!r}")
    return f"https://t.me/{username}?start={unit_code}"


def qr_matrix(link: str) -> list[list[bool]]:
    """The QR modules of the link, quiet zone included (True is dark)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=BORDER)
    code.add_data(link)
    code.make(fit=True)
    return code.get_matrix()


def _layout(modules: int) -> tuple[int, int, int]:
    """(left, top, box): where a QR code of `modules` modules per side (quiet zone included) is drawn."""
    box = (WIDTH - 2 * MARGIN) // modules
    return (WIDTH - modules * box) // 2, MARGIN, box


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_FONTS / name), size)


def wrap_name(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Greedy word wrap to lines no wider than max_width; a word wider than a line is broken between letters."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
            continue
        lines.append("")
        for letter in word:
            if lines[-1] and font.getlength(lines[-1] + letter) > max_width:
                lines.append("")
            lines[-1] += letter
    return lines


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return round((ascent + descent) * 1.2)


def _draw_lines(draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont, top: int) -> int:
    """Draw the lines centred from `top` down; returns the y below the last one."""
    for line in lines:
        draw.text((WIDTH // 2, top), line, font=font, fill="black", anchor="ma")
        top += _line_height(font)
    return top


def _caption(link: str, unit_code: str, max_width: int) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The small print: one line if it fits at a readable size, else the link and the code on lines of their own."""
    one, two = [f"{link}  ·  Mã đơn vị: {unit_code}"], [link, f"Mã đơn vị: {unit_code}"]
    for lines, sizes in ((one, range(LINK_SIZE, 21, -2)), (two, range(LINK_SIZE, LINK_MIN_SIZE - 1, -2))):
        for size in sizes:
            font = _font("DejaVuSans.ttf", size)
            if all(font.getlength(line) <= max_width for line in lines):
                return lines, font
    return [part for line in two for part in wrap_name(line, font, max_width)], font  # the longest links


def poster(bot_username: str, unit_code: str, unit_name: str) -> Image.Image:
    link = deep_link(bot_username, unit_code)
    matrix = qr_matrix(link)
    left, top, box = _layout(len(matrix))
    text_width = WIDTH - 2 * MARGIN
    name_font = _font("DejaVuSans-Bold.ttf", NAME_SIZE)
    name_lines = wrap_name(unit_name, name_font, text_width)
    link_lines, link_font = _caption(link, unit_code, text_width)

    qr_bottom = top + len(matrix) * box
    height = qr_bottom + len(name_lines) * _line_height(name_font) + 20 + len(link_lines) * _line_height(link_font)
    image = Image.new("RGB", (WIDTH, height + MARGIN), "white")
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                x, y = left + column * box, top + row * box
                draw.rectangle((x, y, x + box - 1, y + box - 1), fill="black")
    _draw_lines(draw, link_lines, link_font, _draw_lines(draw, name_lines, name_font, qr_bottom) + 20)
    return image


def write_poster(path: str | pathlib.Path, bot_username: str, unit_code: str, unit_name: str) -> pathlib.Path:
    """Render the poster to a PNG at `path` (150 dpi: 1000 px is about 17 cm wide) and return the path."""
    path = pathlib.Path(path)
    poster(bot_username, unit_code, unit_name).save(path, format="PNG", dpi=(150, 150))
    return path
