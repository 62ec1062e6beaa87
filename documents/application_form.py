"""The form "Đơn yêu cầu công nhận sáng kiến" (application for recognition of an initiative) as a DOCX.

Laid out after the annex form of the regulation on initiatives (Điều lệ Sáng kiến, Nghị định
13/2012/NĐ-CP; form in Thông tư 18/2013/TT-BKHCN). The form is a legal document, so it is always
in Vietnamese. An answer the author has not given is printed as a dotted line (DOTS) to be filled
in by hand on the printed form: nothing is invented. The caller maps stored data to ApplicationForm.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "Times New Roman"
DOTS = "…" * 16  # a blank to write on by hand, also in empty table cells
SHORT_DOTS = DOTS[:4]  # the blanks of the date line, short so the line fits on one line
# Characters XML 1.0 (hence python-docx) cannot hold, and the other control characters; "\n" and "\t" stay.
UNWRITABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

AUTHOR_COLUMNS = (("Số TT", 1.0), ("Họ và tên", 3.0), ("Ngày tháng năm sinh", 2.2),
                  ("Nơi công tác (hoặc nơi thường trú)", 3.0), ("Chức danh", 2.0), ("Trình độ chuyên môn", 2.2),
                  ("Tỷ lệ (%) đóng góp vào việc tạo ra sáng kiến", 2.6))
APPLIER_COLUMNS = (("Số TT", 1.0), ("Họ và tên", 3.0), ("Ngày tháng năm sinh", 2.2), ("Nơi công tác", 3.0),
                   ("Chức danh", 2.0), ("Trình độ chuyên môn", 2.2), ("Nội dung công việc hỗ trợ", 2.6))


@dataclass(frozen=True)
class Author:
    """One author (tác giả) of the initiative, a row of the authors' table."""

    name: str
    birth_date: str | None = None  # already formatted text, e.g. "12/03/1985"
    workplace: str | None = None
    title: str | None = None  # chức danh
    qualification: str | None = None  # trình độ chuyên môn
    share: str | None = None  # e.g. "60%"


@dataclass(frozen=True)
class ApplicationForm:
    """The answers of the form; None or blank answers are printed as dotted lines."""

    authors: tuple[Author, ...]
    title: str | None = None
    addressee: str | None = None  # the unit or council the form is sent to (Kính gửi)
    code: str | None = None
    investor: str | None = None  # chủ đầu tư tạo ra sáng kiến
    field: str | None = None
    first_applied: str | None = None  # already formatted ("15/03/2022", "tháng 3/2022")
    problem: str | None = None
    solution: str | None = None
    confidential: str | None = None
    conditions: str | None = None
    benefit_author: str | None = None
    estimated_value: str | None = None  # already formatted ("20.000.000 đ")
    benefit_applied: str | None = None
    first_appliers: tuple[str, ...] = ()  # names of the people who applied it first or on trial
    place: str | None = None
    signed_on: date | None = None
    attachments: tuple[str, ...] = ()  # one line per file the author sent: what it is and its link


def application_form(form: ApplicationForm) -> bytes:
    """The filled-in form as the bytes of a DOCX file."""
    document = Document()
    set_up_page(document, form)
    add_heading(document, form)
    add_authors(document, form)
    add_description(document, form)
    add_first_appliers(document, form)
    add_attachments(document, form)
    add_signature(document, form)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def filename(form: ApplicationForm) -> str:
    """An ASCII file name safe on any system: by initiative code, else by title."""
    if code := ascii_slug(clean(form.code)):
        return f"don-cong-nhan-{code}.docx"
    return f"don-cong-nhan-{ascii_slug(clean(form.title)).lower() or 'sang-kien'}.docx"


def clean(value: str | None) -> str:
    """The answer as it can be written into the form, verbatim but for control characters; "" if missing."""
    if value is None:
        return ""
    return UNWRITABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def ascii_slug(text: str, limit: int = 40) -> str:
    """Words of the text without diacritics joined by "-", cut at a word boundary near the limit."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", folded.encode("ascii", "ignore").decode()).strip("-")
    if len(slug) > limit:
        head = slug[:limit + 1]
        slug = head.rsplit("-", 1)[0] if "-" in head else slug[:limit]
    return slug.strip("-")


def set_up_page(document, form: ApplicationForm) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(3)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = section.right_margin = Cm(2)
    section.left_margin = Cm(3)
    properties = document.core_properties
    properties.title = (clean(form.title) or "Đơn yêu cầu công nhận sáng kiến")[:255]
    properties.author = properties.last_modified_by = "Sáng kiến bot"
    if form.signed_on:  # otherwise the template's fixed date stays: two renders must not differ
        properties.created = properties.modified = datetime.combine(form.signed_on, time(), timezone.utc)


def paragraph(document, text: str = "", *, bold: bool = False, italic: bool = False, underline: bool = False,
              size: float | None = None, align: WD_ALIGN_PARAGRAPH | None = None):
    added = document.add_paragraph()
    added.alignment = align
    if text:
        run = added.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    return added


def answer(document, label: str, value: str | None, blank_lines: int = 1) -> None:
    """The label with the first line of its answer; each further line of the answer is a paragraph of its own."""
    text = clean(value)
    lines = text.split("\n") if text else [DOTS] + [DOTS * 2] * (blank_lines - 1)
    document.add_paragraph(f"{label} {lines[0]}")
    for line in lines[1:]:
        document.add_paragraph(line)


def add_heading(document, form: ApplicationForm) -> None:
    centre = WD_ALIGN_PARAGRAPH.CENTER
    paragraph(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align=centre)
    paragraph(document, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, align=centre)
    paragraph(document)
    paragraph(document, "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN", bold=True, size=14, align=centre)
    if code := clean(form.code):
        paragraph(document, f"Mã sáng kiến: {code}", italic=True, size=11, align=centre)
    paragraph(document)
    paragraph(document, f"Kính gửi: {clean(form.addressee) or DOTS}", align=centre)
    paragraph(document)


def add_table(document, columns: tuple[tuple[str, float], ...], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    for cell, (heading, _) in zip(table.rows[0].cells, columns):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].add_run(heading).bold = True
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = clean(value) or DOTS
    for column, (_, width) in zip(table.columns, columns):
        column.width = Cm(width)
        for cell in column.cells:  # Word reads the width of each cell, LibreOffice that of the column
            cell.width = Cm(width)


def add_authors(document, form: ApplicationForm) -> None:
    paragraph(document, "Tôi (chúng tôi) ghi tên dưới đây:")
    rows = [[str(number), author.name, author.birth_date, author.workplace, author.title, author.qualification,
             author.share] for number, author in enumerate(form.authors, start=1)]
    add_table(document, AUTHOR_COLUMNS, rows or [["1"] + [""] * 6])
    paragraph(document)


def add_description(document, form: ApplicationForm) -> None:
    answer(document, "Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến:", form.title)
    answer(document, "- Chủ đầu tư tạo ra sáng kiến (trường hợp tác giả không đồng thời là chủ đầu tư tạo ra "
                     "sáng kiến):", form.investor)
    answer(document, "- Lĩnh vực áp dụng sáng kiến:", form.field)
    answer(document, "- Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử:", form.first_applied)
    paragraph(document, "- Mô tả bản chất của sáng kiến:")
    answer(document, "+ Tình trạng (vấn đề) trước khi có sáng kiến:", form.problem, blank_lines=3)
    answer(document, "+ Nội dung giải pháp:", form.solution, blank_lines=3)
    answer(document, "- Những thông tin cần được bảo mật (nếu có):", form.confidential)
    answer(document, "- Những điều kiện cần thiết để áp dụng sáng kiến:", form.conditions)
    answer(document, "- Đánh giá lợi ích thu được hoặc dự kiến có thể thu được do áp dụng sáng kiến theo ý kiến "
                     "của tác giả:", form.benefit_author, blank_lines=2)
    if clean(form.estimated_value):
        answer(document, "Giá trị làm lợi ước tính:", form.estimated_value)
    answer(document, "- Đánh giá lợi ích thu được hoặc dự kiến có thể thu được do áp dụng sáng kiến theo ý kiến "
                     "của tổ chức, cá nhân đã tham gia áp dụng sáng kiến lần đầu, kể cả áp dụng thử (nếu có):",
           form.benefit_applied, blank_lines=2)


def add_first_appliers(document, form: ApplicationForm) -> None:
    paragraph(document, "- Danh sách những người đã tham gia áp dụng thử hoặc áp dụng sáng kiến lần đầu (nếu có):")
    rows = [[str(number), name] + [""] * 5 for number, name in enumerate(form.first_appliers, start=1)]
    add_table(document, APPLIER_COLUMNS, rows or [["1"] + [""] * 6])
    paragraph(document)
    paragraph(document, "Tôi (chúng tôi) xin cam đoan mọi thông tin nêu trong đơn là trung thực, đúng sự thật và "
                        "hoàn toàn chịu trách nhiệm trước pháp luật.")


def add_attachments(document, form: ApplicationForm) -> None:
    """The files sent with the initiative (tài liệu kèm theo): voice notes and photos the council opens by link."""
    if not form.attachments:
        return
    paragraph(document)
    paragraph(document, "Tài liệu kèm theo (ảnh, ghi âm, tệp tác giả gửi qua bot):", bold=True)
    for line in form.attachments:
        paragraph(document, f"- {clean(line)}")


def signing_date(day: date | None) -> str:
    if day is None:
        return f"ngày {SHORT_DOTS} tháng {SHORT_DOTS} năm {SHORT_DOTS}"
    # Administrative style (Nghị định 30/2020/NĐ-CP): a day below 10 and the months 1 and 2 take a leading 0.
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def add_signature(document, form: ApplicationForm) -> None:
    right = WD_ALIGN_PARAGRAPH.RIGHT
    place = clean(form.place) or SHORT_DOTS * 2
    paragraph(document, f"{place}, {signing_date(form.signed_on)}", italic=True, align=right)
    paragraph(document, "Người nộp đơn", bold=True, align=right)
    paragraph(document, "(Ký và ghi rõ họ tên)", italic=True, align=right)
    for _ in range(3):  # room for the handwritten signature
        paragraph(document)
    signer = clean(form.authors[0].name) if form.authors else ""
    paragraph(document, signer or DOTS, bold=True, align=right)
