"""Printable QR posters (áp phích mã QR) of a unit: a large call to action, the code, and what to type.

Telegram's link carries the unit (t.me/<bot>?start=<code>), so scanning is enough; a Zalo link carries
nothing, so the Zalo poster tells the worker what to send and which unit code to give when asked.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

import matplotlib  # only to find the DejaVu fonts it ships; pyplot is never imported
import qrcode
from PIL import Image, ImageDraw, ImageFont

import locales
from bot.channels.telegram.qr import deep_link

WIDTH = 1000  # px; the poster is as tall as its contents need
MARGIN = 60  # px around the QR code and the text
TEXT_WIDTH = WIDTH - 2 * MARGIN
GAP = 20  # px between two blocks of text
BORDER = 4  # quiet zone, in modules (the QR standard's minimum)
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
HEADLINE_SIZE, NAME_SIZE, STEP_SIZE, LINK_SIZE, LINK_MIN_SIZE = 72, 52, 38, 28, 12
LOCALE = "vi"  # posters hang where Vietnamese is read
_FONTS = pathlib.Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@dataclass(frozen=True)
class Block:
    """Lines of text drawn centred in one font."""

    lines: list[str]
    font: ImageFont.FreeTypeFont

    @property
    def line_height(self) -> int:
        ascent, descent = self.font.getmetrics()
        return round((ascent + descent) * 1.2)

    @property
    def height(self) -> int:
        return len(self.lines) * self.line_height


@dataclass(frozen=True)
class Poster:
    image: Image.Image
    link: str  # what the QR code holds
    qr: tuple[int, int, int]  # (left, top, box): where the code is drawn, box px per module
    lines: tuple[str, ...]  # the text printed above and below it, top to bottom

    def save(self, path: str | pathlib.Path) -> pathlib.Path:
        """A PNG at `path` (150 dpi: 1000 px is about 17 cm wide)."""
        path = pathlib.Path(path)
        self.image.save(path, format="PNG", dpi=(150, 150))
        return path


def telegram(bot_username: str, unit_code: str, unit_name: str) -> Poster:
    """Scan, and Telegram opens the bot registering into the unit; ValueError for a bad username or code."""
    link = deep_link(bot_username, unit_code)
    code = locales.render("poster.unit_code", {"code": unit_code}, LOCALE)
    return _poster(link, [_headline()], [_text(unit_name, bold=True, size=NAME_SIZE), _caption([link, code])])


def zalo(bot_link: str, unit_code: str, unit_name: str) -> Poster:
    """Scan with Zalo, send "Sáng kiến mới", and give the unit's code when the bot asks for the unit."""
    steps = [locales.render("poster.zalo.scan", {}, LOCALE), locales.render("poster.zalo.unit", {"code": unit_code}, LOCALE)]
    below = [_text(unit_name, bold=True, size=NAME_SIZE), _text(steps[0], bold=False, size=STEP_SIZE),
             _text(steps[1], bold=True, size=STEP_SIZE), _caption([bot_link])]
    return _poster(bot_link, [_headline()], below)


def qr_matrix(link: str) -> list[list[bool]]:
    """The QR modules of the link, quiet zone included (True is dark)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=BORDER)
    code.add_data(link)
    code.make(fit=True)
    return code.get_matrix()


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
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


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_FONTS / name), size)


def _text(text: str, *, bold: bool, size: int) -> Block:
    face = font("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size)
    return Block(wrap(text, face, TEXT_WIDTH), face)


def _headline() -> Block:
    """The call to action, on one line if it fits at a size still larger than the unit's name."""
    text = locales.render("poster.call_to_action", {}, LOCALE)
    for size in range(HEADLINE_SIZE, NAME_SIZE, -2):
        if font("DejaVuSans-Bold.ttf", size).getlength(text) <= TEXT_WIDTH:
            break
    return _text(text, bold=True, size=size)


def _caption(parts: list[str]) -> Block:
    """The small print: on one line if it fits at a readable size, else a line each, else wrapped."""
    for lines, smallest in (["  ·  ".join(parts)], 22), (parts, LINK_MIN_SIZE):
        for size in range(LINK_SIZE, smallest - 1, -2):
            face = font("DejaVuSans.ttf", size)
            if all(face.getlength(line) <= TEXT_WIDTH for line in lines):
                return Block(lines, face)
    return Block([piece for part in parts for piece in wrap(part, face, TEXT_WIDTH)], face)  # the longest links


def _poster(link: str, above: list[Block], below: list[Block]) -> Poster:
    """The blocks `above` the QR code of the link and `below` it, centred; the quiet zone spaces them from it."""
    matrix = qr_matrix(link)
    box = TEXT_WIDTH // len(matrix)
    left, top = (WIDTH - len(matrix) * box) // 2, MARGIN + _stacked(above)
    qr_bottom = top + len(matrix) * box
    height = qr_bottom + _stacked(below) + MARGIN
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                x, y = left + column * box, top + row * box
                draw.rectangle((x, y, x + box - 1, y + box - 1), fill="black")
    _draw(draw, above, MARGIN)
    _draw(draw, below, qr_bottom)
    return Poster(image, link, (left, top, box), tuple(line for block in above + below for line in block.lines))


def _stacked(blocks: list[Block]) -> int:
    """The height of blocks drawn one under the other."""
    return sum(block.height for block in blocks) + GAP * max(len(blocks) - 1, 0)


def _draw(draw: ImageDraw.ImageDraw, blocks: list[Block], top: int) -> None:
    for block in blocks:
        for number, line in enumerate(block.lines):
            draw.text((WIDTH // 2, top + number * block.line_height), line, font=block.font, fill="black", anchor="ma")
        top += block.height + GAP
