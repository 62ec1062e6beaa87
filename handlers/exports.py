"""Exports for the national portal (xuất dữ liệu), shared by the chat and `sangkien export`.

One XLSX with two sheets (the initiatives, and the figures of every unit of the subtree), or the
same two tables as CSV files. Who may export which unit is the caller's check.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import locales
from handlers import file_links
from documents.spreadsheets import Column, CsvTable, XlsxBook, XlsxSheet
from storage.exports import ExportedInitiative, count_initiatives, initiatives
from storage.models import Phase, Unit
from storage.reports import COUNTED, Figures, rollup
from storage.repositories import Transaction

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

INITIATIVE_COLUMNS = (
    Column("code", width=16), Column("status", width=14), Column("title", width=40), Column("field", width=24),
    Column("problem", width=50), Column("solution", width=50), Column("benefit", width=50),
    Column("estimated_value", "money", 18), Column("first_applied", "applied", 14), Column("coauthors", width=30),
    Column("author", width=24), Column("phone", width=14), Column("entered_by", width=24),
    Column("unit_code", width=20), Column("unit", width=40), Column("unit_path", width=60),
    Column("created_at", "datetime", 17), Column("submitted_at", "datetime", 17), Column("decided_at", "datetime", 17),
    Column("reason", width=40), Column("attachments", "int", 10), Column("files", width=60),
)
FIGURE_COLUMNS = (
    Column("unit_code", width=20), Column("unit", width=50), Column("level", "int", 6),
    Column("member_count", "int", 12), Column("target", "int", 10), Column("submitted", "int", 10),
    Column("valid", "int", 10), Column("under_review", "int", 12), Column("needs_changes", "int", 12),
    Column("rejected", "int", 12), Column("participants", "int", 12),
    Column("percent", "percent", 10), Column("value", "money", 18),
)


@dataclass(frozen=True)
class ExportFile:
    filename: str  # ASCII, safe in a Content-Disposition header and on any disk
    content_type: str
    data: bytes


async def build_export(
    tx: Transaction,
    unit: Unit,
    phase: Phase | None,
    now: datetime,
    *,
    fmt: str = "xlsx",
    locale: str = "vi",
    progress: Callable[[int, int], None] | None = None,
    base_url: str | None = None,
) -> list[ExportFile]:
    """The initiatives sent in from `unit`'s subtree (in `phase` when given) and every unit's figures.

    `now` is aware, in the time zone times are shown in; `progress(done, total)` hears of each batch;
    `base_url` (PUBLIC_BASE_URL) makes the links to the files people sent.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    tz = now.tzinfo
    total = await count_initiatives(tx.session, unit, phase, tz)
    if progress is not None:
        progress(0, total)
    if fmt == "xlsx":
        book = XlsxBook(locale)
        listing = book.sheet(locales.render("export.sheet.initiatives", {}, locale), INITIATIVE_COLUMNS)
    else:
        listing = CsvTable(INITIATIVE_COLUMNS, locale)
    labels = {status: locales.render(f"export.status.{status}", {}, locale) for status in COUNTED}
    async for batch in initiatives(tx.session, unit, phase, tz):
        rows = [initiative_cells(item, now, locale, labels, base_url) for item in batch]
        await asyncio.to_thread(_append, listing, rows)  # openpyxl is slow: keep the chats answering meanwhile
        if progress is not None:
            progress(listing.rows, max(total, listing.rows))
    figures = await rollup(tx.session, unit, phase, now)
    stem = f"sangkien-{slug(unit.code)}-{now:%Y%m%d}"
    if fmt == "xlsx":
        by_unit = book.sheet(locales.render("export.sheet.units", {}, locale), FIGURE_COLUMNS)
        _append(by_unit, [figure_cells(row) for row in figures])
        return [ExportFile(f"{stem}.xlsx", XLSX_TYPE, await asyncio.to_thread(book.finish))]
    by_unit = CsvTable(FIGURE_COLUMNS, locale)
    _append(by_unit, [figure_cells(row) for row in figures])
    return [ExportFile(f"{stem}.csv", CSV_TYPE, listing.finish()),
            ExportFile(f"{stem}-don-vi.csv", CSV_TYPE, by_unit.finish())]


def _append(table: XlsxSheet | CsvTable, rows: list[list]) -> None:
    for row in rows:
        table.append(row)


def initiative_cells(item: ExportedInitiative, now: datetime, locale: str,
                     labels: dict[str, str] | None = None, base_url: str | None = None) -> list:
    """One row of the initiatives sheet, in the order of INITIATIVE_COLUMNS; `labels` caches the status labels.
    An answer given by voice says "(ghi âm)"; the last cell lists every attachment with its link."""

    def local(moment: datetime | None) -> datetime | None:
        return moment.astimezone(now.tzinfo) if moment is not None else None

    applied = (item.first_applied_on, item.first_applied_precision) if item.first_applied_on else None
    return [
        item.code,
        (labels or {}).get(item.status) or locales.render(f"export.status.{item.status}", {}, locale),
        file_links.with_voice_mark(item.title, item.files, "title", locale),
        locales.translate_label(item.field, locale) if item.field else None,
        file_links.with_voice_mark(item.problem, item.files, "problem", locale),
        file_links.with_voice_mark(item.solution, item.files, "solution", locale),
        file_links.with_voice_mark(item.benefit, item.files, "benefit", locale),
        item.estimated_value,
        applied,
        ", ".join(item.coauthors) or None,
        item.author_name,
        item.author_phone,
        item.entered_by_name,
        item.unit_code,
        item.unit_name,
        item.unit_path,
        local(item.created_at),
        local(item.submitted_at),
        local(item.decided_at),
        item.decision_reason,
        item.attachment_count,
        "\n".join(file_links.listed(item.files, base_url, locale)) or None,
    ]


def figure_cells(figures: Figures) -> list:
    """One row of the per-unit sheet, in the order of FIGURE_COLUMNS: the four statuses add up to submitted."""
    return [
        figures.code, figures.name, figures.level, figures.member_count, figures.target, figures.submitted,
        figures.valid, figures.under_review, figures.needs_changes, figures.rejected, figures.participants,
        figures.percent, figures.value,
    ]


def slug(text: str) -> str:
    """ASCII for a file name: accents dropped (Đ -> D), anything else odd becomes '-'."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9_]+", "-", ascii_text).strip("-") or "unit"
