"""The progress chart: one horizontal bar per child unit against its target, Vietnamese labels readable."""

from __future__ import annotations

import io
import textwrap

import locales

SIZE = (10, 6)  # inches at 100 dpi: 1000 x 600 px, readable on a phone
DPI = 100


def progress_chart(title: str, rows: list[dict], locale: str = "vi") -> bytes:
    """PNG of % of target per unit (rows: name, percent), with the 100% target line."""
    # Imported here, not at start-up: matplotlib (and numpy, PIL) hold about 40 MB in every worker otherwise.
    import matplotlib

    matplotlib.use("Agg")  # no display: charts are drawn on servers
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    rows = rows[:15]  # more bars than this are unreadable on a phone; the text lists them all
    figure = Figure(figsize=SIZE, dpi=DPI)
    axes = figure.add_subplot()
    font = font_manager.FontProperties(family="DejaVu Sans")
    names = [textwrap.shorten(r["name"], 38, placeholder="…") for r in rows][::-1]
    values = [min(r["percent"], 150.0) for r in rows][::-1]
    colours = ["#2e7d32" if v >= 100 else "#f9a825" if v >= 50 else "#c62828" for v in values]
    bars = axes.barh(names, values, color=colours)
    axes.axvline(100, color="#1a237e", linewidth=2, linestyle="--", label=locales.render("chart.target", {}, locale))
    for bar, row in zip(bars, rows[::-1]):
        axes.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, f"{row['percent']:.0f}%", va="center", fontproperties=font)
    axes.set_xlim(0, max(110, max(values, default=0) + 15))
    axes.set_xlabel(locales.render("chart.axis", {}, locale), fontproperties=font)
    axes.set_title(title, fontproperties=font, fontsize=13)
    for label in axes.get_yticklabels():
        label.set_fontproperties(font)
    axes.legend(loc="lower right", prop=font)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
