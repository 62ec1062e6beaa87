"""The rows of a unit tree file and their problems: the header, each cell, each kind; nothing here reads the database.

A file's every fault is a Problem on its line (the header is line 1; line 0 is the file as a whole), named by a key
of the catalogs (`units.import.<key>`) and found before anything is written: a value that would not fit its column
or an INTEGER is a problem here, never an error from the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conversations.text import fold, nfc
from storage.models import CODE, CODE_CHARACTERS, UNIT_KINDS, Unit

PHASE_COLUMN = "target:"  # "target:GD1" holds the unit's target in phase GD1
COLUMNS = ("code", "name", "parent_code", "kind", "member_count")  # every file has these
OPTIONAL = ("target",)
HEADER = ",".join(COLUMNS)
MOST = 2**31 - 1  # an INTEGER column (members, targets)
LENGTHS = {name: Unit.__table__.c[name].type.length for name in ("code", "name", "name_folded")}
SHOWN = 40  # characters of a value a problem repeats
_COUNT = re.compile(r"-?\d{1,3}([.,]\d{3})+|-?\d+")  # 38, "1.250" or "1,250" (thousands separators)


@dataclass(frozen=True)
class Problem:
    """What is wrong on one line: the catalog key `units.import.<key>` and its params."""

    line: int
    key: str
    params: dict = field(default_factory=dict, hash=False)

    def text(self, locale: str = "en") -> str:
        import locales  # storage names a problem; the catalogs word it

        return locales.render(f"units.import.{self.key}", self.params, locale)

    @property
    def message(self) -> str:
        return self.text("en")

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(slots=True)
class UnitRow:
    line: int
    code: str
    name: str
    parent_code: str | None
    kind: str
    member_count: int
    target: int | None = None
    phase_targets: dict[str, int | None] = field(default_factory=dict)
    name_folded: str = ""  # fold(f"{name} {code}"), what the search matches


def shown(value) -> str:
    """A value as a problem repeats it: on one line, quoted, cut short."""
    text = " ".join(str(value).split())
    return repr(text if len(text) <= SHOWN else text[:SHOWN] + "…")


def check_header(header: list[str], phase_codes: set[str]) -> list[Problem]:
    """Line 1: every column of COLUMNS, nothing unknown, nothing twice, and only phases that exist."""
    problems, seen, unknown = [], set(), []
    for name in (str(h or "").strip().lower() for h in header):
        if not name:
            continue  # an empty column a spreadsheet left at the end
        column = PHASE_COLUMN + name[len(PHASE_COLUMN):].strip().upper() if name.startswith(PHASE_COLUMN) else name
        if column in seen:
            problems.append(Problem(1, "repeated_column", {"column": column}))
            continue
        seen.add(column)
        if column.startswith(PHASE_COLUMN):
            if column[len(PHASE_COLUMN):] not in phase_codes:
                problems.append(Problem(1, "no_phase", {"phase": shown(column[len(PHASE_COLUMN):])}))
        elif column not in COLUMNS + OPTIONAL:
            unknown.append(shown(column))
    missing = [column for column in COLUMNS if column not in seen]
    if missing:
        problems.append(Problem(1, "missing_columns", {"columns": ", ".join(missing), "header": HEADER}))
    if unknown:
        problems.append(Problem(1, "unknown_columns", {"columns": ", ".join(unknown), "header": HEADER}))
    return problems


def _number(value, what: str, line: int, problems: list[Problem], required: bool) -> int | None:
    """A count from a spreadsheet cell: 38, 38.0, "38", "1.250" or "1,250"; from 0 to MOST."""
    text = str(value).strip() if value is not None else ""
    if not text:
        if required:
            problems.append(Problem(line, "missing", {"what": what}))
        return None
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _COUNT.fullmatch(text):
        digits = re.sub(r"[.,]", "", text)
        number = int(digits) if len(digits) < 20 else MOST + 1  # int() refuses thousands of digits
    else:
        problems.append(Problem(line, "not_whole", {"what": what, "value": shown(text)}))
        return None
    if number < 0:
        problems.append(Problem(line, "negative", {"what": what, "value": shown(text)}))
        return None
    if number > MOST:
        problems.append(Problem(line, "too_large", {"what": what, "value": shown(text), "most": MOST}))
        return None
    return number


def _fits(what: str, value: str, most: int, line: int, problems: list[Problem]) -> None:
    if len(value) > most:
        problems.append(Problem(line, "too_long", {"what": what, "length": len(value), "most": most,
                                                   "value": shown(value)}))


def parse(records: list[tuple[int, dict]], phase_codes: set[str]) -> tuple[list[UnitRow], list[Problem]]:
    """Rows from (line number, {column: value}) records, and every problem found on the way."""
    rows, problems = [], []
    for line, record in records:
        record = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
        code = nfc(str(record.get("code") or "")).upper()
        name = nfc(str(record.get("name") or ""))
        kind = nfc(str(record.get("kind") or "")).lower()
        parent = nfc(str(record.get("parent_code") or "")).upper() or None
        for what, value in (("code", code), ("name", name), ("kind", kind)):
            if not value:
                problems.append(Problem(line, "missing", {"what": what}))
        for what, value, most in (("code", code, LENGTHS["code"]), ("parent_code", parent or "", LENGTHS["code"]),
                                  ("name", name, LENGTHS["name"])):
            _fits(what, value, most, line, problems)
        if code and not CODE.fullmatch(code):  # the deep link of the unit's QR poster carries its code
            problems.append(Problem(line, "bad_code", {"value": shown(code), "characters": CODE_CHARACTERS}))
        if "\n" in name or "\r" in name:
            problems.append(Problem(line, "line_break", {"what": "name"}))
        folded = fold(f"{name} {code}")  # the search form: rarely longer than both (a letter that folds to two)
        if len(name) <= LENGTHS["name"] and len(code) <= LENGTHS["code"] and len(folded) > LENGTHS["name_folded"]:
            _fits("name", folded, LENGTHS["name_folded"], line, problems)
        members = _number(record.get("member_count"), "member_count", line, problems, required=True)
        target = _number(record.get("target"), "target", line, problems, required=False)
        phase_targets = {}
        for column, value in record.items():
            if column.startswith(PHASE_COLUMN):
                phase = column[len(PHASE_COLUMN):].strip().upper()
                if phase not in phase_codes:
                    problems.append(Problem(line, "no_phase", {"phase": shown(phase)}))
                    continue
                phase_targets[phase] = _number(value, column, line, problems, required=False)
        rows.append(UnitRow(line, code, name, parent, kind, members or 0, target, phase_targets, folded))
    return rows, problems


def check_kinds(rows: list[UnitRow]) -> list[Problem]:
    """Each kind one of the union's levels (UNIT_KINDS)."""
    return [Problem(row.line, "unknown_kind", {"value": shown(row.kind), "kinds": ", ".join(UNIT_KINDS)})
            for row in rows if row.kind and row.kind not in UNIT_KINDS]
