"""The unit tree (cây đơn vị công đoàn): lookups, accent-insensitive search, and loading."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, Integer, String, and_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from conversations.text import fold
from storage.models import Unit

FUZZY_POOL = 300  # candidates scored when no unit contains every typed word
FIND_POOL = 50  # units a typed name is narrowed from (`find`)
BATCH = 10_000  # rows per executemany of a bulk write
TREE_COLUMNS = ("id", "code", "parent_id", "name", "name_folded", "kind", "member_count", "target", "path")


class bytewise(FunctionElement):
    """A string compared byte by byte: COLLATE "C" on PostgreSQL, whose database collation may order
    '/' apart from the digits; SQLite compares bytes already."""

    type = String()
    inherit_cache = True


@compiles(bytewise)
def _as_is(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(bytewise, "postgresql")
def _collate_c(element, compiler, **kw) -> str:
    return f'{compiler.process(element.clauses, **kw)} COLLATE "C"'


class instr(FunctionElement):
    """instr(text, part): where `part` first occurs in `text`, from 1, or 0 (PostgreSQL calls it strpos)."""

    type = Integer()
    inherit_cache = True


@compiles(instr)
def _instr(element, compiler, **kw) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(instr, "postgresql")
def _strpos(element, compiler, **kw) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


def under(path: str) -> ColumnElement[bool]:
    """Units in the subtree at `path` ('/1/5/' and everything below it).

    A range rather than LIKE 'path%': SQLite's LIKE uses no index, and PostgreSQL's needs a pattern
    index; the range uses ix_units_path on SQLite and ix_units_path_bytes on PostgreSQL.
    """
    path_bytes = bytewise(Unit.path)
    return and_(path_bytes >= path, path_bytes < path[:-1] + chr(ord(path[-1]) + 1))


_BY_CODE = select(Unit).where(func.upper(Unit.code) == bindparam("code"))  # built once: a hot lookup


class UnitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, unit_id: int) -> Unit | None:
        return await self.session.get(Unit, unit_id)

    async def by_code(self, code: str) -> Unit | None:
        result = await self.session.execute(_BY_CODE, {"code": code.strip().upper()})
        return result.scalar_one_or_none()

    async def by_path(self, path: str) -> Unit | None:
        """The unit at a path ('/' is the root of everything: the first top-level unit)."""
        if path == "/":
            result = await self.session.execute(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1))
        else:
            result = await self.session.execute(select(Unit).where(Unit.path == path))
        return result.scalar_one_or_none()

    async def children(self, unit_id: int) -> list[Unit]:
        result = await self.session.execute(select(Unit).where(Unit.parent_id == unit_id).order_by(Unit.code))
        return list(result.scalars())

    async def count(self) -> int:
        return (await self.session.execute(select(func.count(Unit.id)))).scalar_one()

    async def add(
        self,
        *,
        code: str,
        name: str,
        kind: str,
        parent: Unit | None,
        member_count: int,
        target: int | None = None,
    ) -> Unit:
        unit = Unit(
            code=code,
            name=name,
            name_folded=fold(f"{name} {code}"),
            kind=kind,
            parent_id=parent.id if parent else None,
            member_count=member_count,
            target=target,
        )
        self.session.add(unit)
        await self.session.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        await self.session.flush()
        return unit

    async def all(self) -> list[Unit]:
        return list((await self.session.execute(select(Unit).order_by(Unit.id))).scalars())

    async def parents_by_code(self) -> dict[str, str | None]:
        """code -> parent's code for the whole stored tree, in upper case (to check an import against it)."""
        rows = (await self.session.execute(select(Unit.id, Unit.code, Unit.parent_id))).all()
        codes = {row.id: row.code.upper() for row in rows}
        return {codes[row.id]: codes.get(row.parent_id) for row in rows}

    async def tree(self) -> list:
        """Every stored unit as a plain row (id, code, parent_id, name, name_folded, kind, member_count, target,
        path): what an import compares its rows with, without loading 100,000 objects."""
        columns = [Unit.__table__.c[name] for name in TREE_COLUMNS]
        return list((await self.session.execute(select(*columns))).all())

    async def reserve_ids(self, count: int) -> list[int]:
        """Ids for `count` units about to be inserted together, so their paths are known before the insert."""
        if count == 0:
            return []
        if self.session.bind.dialect.name == "postgresql":
            query = text("SELECT nextval(pg_get_serial_sequence('units', 'id')) FROM generate_series(1, :count)")
            return sorted((await self.session.execute(query, {"count": count})).scalars())
        last = (await self.session.execute(select(func.max(Unit.id)))).scalar() or 0  # the writer holds the lock
        return list(range(last + 1, last + 1 + count))

    async def insert_many(self, units: Iterable[dict]) -> None:
        """Insert units with every column given (ids from reserve_ids), parents before children: an executemany per
        BATCH, so a national tree is never held twice over as parameters."""
        units = iter(units)
        while batch := list(islice(units, BATCH)):
            await self.session.execute(insert(Unit.__table__), batch)

    async def update_many(self, changes: list[dict]) -> None:
        """Update units by id, one executemany per set of columns changed (objects already loaded are not refreshed)."""
        table = Unit.__table__
        by_columns: dict[tuple[str, ...], list[dict]] = {}
        for change in changes:
            by_columns.setdefault(tuple(sorted(k for k in change if k != "id")), []).append(change)
        for columns, group in by_columns.items():
            statement = (update(table).where(table.c.id == bindparam("unit_id"))
                         .values({name: bindparam(f"new_{name}") for name in columns}))
            for start in range(0, len(group), BATCH):
                await self.session.execute(statement, [{"unit_id": change["id"], **{f"new_{name}": change[name]
                                                                                     for name in columns}}
                                                       for change in group[start:start + BATCH]])

    async def repath(self) -> int:
        """Recompute every materialised path after units moved; returns how many changed."""
        units = await self.all()
        children: dict[int | None, list[Unit]] = {}
        for unit in units:
            children.setdefault(unit.parent_id, []).append(unit)
        changed, queue = 0, [(root, "/") for root in children.get(None, [])]
        while queue:
            unit, prefix = queue.pop()
            path = f"{prefix}{unit.id}/"
            if unit.path != path:
                unit.path, changed = path, changed + 1
            queue += [(child, path) for child in children.get(unit.id, [])]
        await self.session.flush()
        return changed

    async def analyze(self) -> None:
        """Refresh the planner's statistics of the unit tree (ANALYZE, on either engine)."""
        await self.session.execute(text("ANALYZE units"))
        await self.session.execute(text("ANALYZE phase_targets"))

    async def search(self, query: str, limit: int = 8, within: str | None = None) -> list[Unit]:
        """Units whose name or code holds every typed word, ignoring accents and case.

        When none does (a typo, a missing word), the units holding any of the words are
        ranked by fuzzy similarity, so "truong mam non kim hi" still finds "Kim Hỷ".
        """
        words = [w for w in fold(query).split() if len(w) > 1 or w.isdigit()]
        if not words:
            return []
        holds = [Unit.name_folded.contains(w, autoescape=True) for w in words]
        exact = await self._matching(and_(*holds), limit + 1, within)
        if exact:
            return self._rank(exact, query)[:limit]
        pool = await self._matching(or_(*holds), FUZZY_POOL, within)
        scored = process.extract(
            fold(query), {u.id: u.name_folded for u in pool}, scorer=fuzz.token_set_ratio, limit=limit, score_cutoff=80
        )
        by_id = {u.id: u for u in pool}
        return [by_id[key] for _name, _score, key in scored]

    async def find(self, text: str, limit: int = 8, within: str | None = None) -> list[Unit]:
        """The units someone means by a code or a name typed after a command; more than one means "which?".

        A code finds its unit. A name finds what `search` finds, narrowed to the one unit named exactly so,
        or else the one holding every typed word whole ("cong ty may 10" is "Công ty May 10", not "May 105").
        """
        text = " ".join(text.split())
        if not text:
            return []
        unit = await self.by_code(text)
        if unit is not None and (within is None or unit.path.startswith(within)):
            return [unit]
        found = await self.search(text, max(limit, FIND_POOL), within)
        folded = fold(text)
        exact = [u for u in found if fold(u.name) == folded]
        whole = [u for u in found if set(folded.split()) <= set(u.name_folded.split())]
        for narrowed in (exact, whole):
            if len(narrowed) == 1:
                return narrowed
        return (whole or found)[:limit]

    async def _matching(self, condition, limit: int, within: str | None = None) -> list[Unit]:
        """`within`: only the subtree at that path (a bot serving one federation offers only its units)."""
        condition = and_(condition, under(within)) if within else condition
        result = await self.session.execute(select(Unit).where(condition).order_by(Unit.name).limit(limit))
        return list(result.scalars())

    @staticmethod
    def _rank(units: list[Unit], query: str) -> list[Unit]:
        folded = fold(query)
        return sorted(units, key=lambda u: (-fuzz.token_set_ratio(folded, u.name_folded), len(u.name)))
