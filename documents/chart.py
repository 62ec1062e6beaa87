"""The progress chart: one bar per child unit against its target, split by status, Vietnamese labels readable.

A bar's parts are the unit's initiatives in each status (hợp lệ, đang xem xét, cần bổ sung, không hợp
lệ) as % of its target, so they add up to the % of target the report's text gives for the unit.
"""

from __future__ import annotations

import io
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

import locales
from locales.format import percent

SIZE = (10, 6)  # inches at 100 dpi: 1000 x 600 px, readable on a phone
DPI = 100
MAX_BARS = 15  # more bars than this are unreadable on a phone; the text lists them all
LABEL_WIDTH = 38  # characters of a unit's name beside its bar
UNION_HEADS = ("công đoàn cơ sở", "công đoàn")  # how union names start; a short label can do without it
CAP = 150.0  # % of target drawn at most; the number at the bar's end is the true one
# Colours per status, in the order reports list them (storage.reports.STATUSES); the legend's labels are
# the exports' (export.status.*), so the chart, the text and the spreadsheet name the statuses alike.
COLOURS = {"valid": "#2e7d32", "submitted": "#1976d2", "needs_changes": "#f9a825", "rejected": "#9e9e9e"}


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float  # of target, as the report's text says
    parts: tuple[tuple[str, float], ...]  # (status, % of target) in the order of COLOURS, adding up to `percent`


def bars(rows: list[dict]) -> list[Bar]:
    """The bars of a chart. rows: name, code, percent, target, statuses ({status: count}, adding up to what
    was sent in); no two bars share a label, whatever the units' names."""
    rows = rows[:MAX_BARS]
    made = []
    for row, label in zip(rows, labels(rows)):
        scale = 100.0 / row["target"] if row["target"] else 0.0
        parts = tuple((status, row["statuses"].get(status, 0) * scale) for status in COLOURS)
        made.append(Bar(label, row["percent"], parts))
    return made


def labels(rows: list[dict], width: int = LABEL_WIDTH) -> list[str]:
    """Names short enough to read beside a bar that still tell sibling units apart.

    Unit names go from the general to the particular ("Công đoàn cơ sở Công ty TNHH Điện tử Samsung
    Vina"), so a long one loses the "Công đoàn (cơ sở)" every union's name starts with, then keeps its end.
    Two that still read alike get their unit code.
    """
    made = [_shorten(row["name"], width) for row in rows]
    twice = {label for label in made if made.count(label) > 1}
    return [_with_code(row, width) if label in twice else label for row, label in zip(rows, made)]


def _shorten(name: str, width: int) -> str:
    name = " ".join(name.split())
    if len(name) <= width:
        return name
    head = next((h for h in UNION_HEADS if name.lower().startswith(h + " ")), "")
    name = name[len(head):].lstrip()
    if len(name) <= width:
        return name
    kept = ""
    for word in reversed(name.split()):
        longer = f"{word} {kept}".strip()
        if len(longer) + 1 > width:
            break
        kept = longer
    return "…" + (kept or name[-(width - 1):])


def _with_code(row: dict, width: int) -> str:
    code = f" ({row['code']})"
    return _shorten(row["name"], max(width - len(code), 8)) + code


# The same figures give the same picture: the groups of one unit, an officer asking twice, a morning's pushes.
# Drawing one takes about a tenth of a second of a core; a PNG is about 40 KB.
DRAWN_KEPT = 32
_drawn: OrderedDict[str, bytes] = OrderedDict()
_kept = threading.Lock()  # charts are drawn in threads too (handlers/group_report.py)


def progress_chart(title: str, rows: list[dict], locale: str = "vi") -> bytes:
    """PNG of % of target per unit, each bar split by status, with the 100% target line."""
    key = json.dumps([title, locale, rows], sort_keys=True, default=str)
    with _kept:
        png = _drawn.get(key)
        if png is not None:
            _drawn.move_to_end(key)
            return png
    png = _draw(title, rows, locale)
    with _kept:
        _drawn[key] = png
        while len(_drawn) > DRAWN_KEPT:
            _drawn.popitem(last=False)
    return png


def _draw(title: str, rows: list[dict], locale: str) -> bytes:
    # Imported here, not at start-up: matplotlib (and numpy, PIL) hold about 40 MB in every worker otherwise.
    import matplotlib

    matplotlib.use("Agg")  # no display: charts are drawn on servers
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    drawn = bars(rows)[::-1]  # the first row on top
    figure = Figure(figsize=SIZE, dpi=DPI)
    axes = figure.add_subplot()
    font = font_manager.FontProperties(family="DejaVu Sans")
    # Bars stand at positions, not at their labels: matplotlib draws bars with one label on one line.
    positions = range(len(drawn))
    shrink = [min(1.0, CAP / bar.percent) if bar.percent else 1.0 for bar in drawn]
    left = [0.0] * len(drawn)
    for status, colour in COLOURS.items():
        widths = [dict(bar.parts)[status] * k for bar, k in zip(drawn, shrink)]
        if any(widths):
            label = locales.render(f"export.status.{status}", {}, locale)
            axes.barh(positions, widths, left=left, color=colour, label=label)
        left = [a + b for a, b in zip(left, widths)]
    axes.set_yticks(list(positions), [bar.label for bar in drawn])
    axes.axvline(100, color="#1a237e", linewidth=2, linestyle="--", label=locales.render("chart.target", {}, locale))
    for position, end, bar in zip(positions, left, drawn):
        axes.text(end + 1, position, f"{percent(bar.percent, locale)}%", va="center", fontproperties=font)
    axes.set_xlim(0, max(110, max(left, default=0) + 15))
    axes.set_xlabel(locales.render("chart.axis", {}, locale), fontproperties=font)
    axes.set_title(title, fontproperties=font, fontsize=13)
    for label in axes.get_yticklabels():
        label.set_fontproperties(font)
    axes.legend(loc="lower right", prop=font)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
