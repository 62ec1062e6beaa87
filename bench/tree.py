"""Fresh benchmark databases and a generated national tree, filled in bulk.

`fresh_database("sqlite" | "postgres")` yields the URL of a migrated database holding the demo units
(a temporary SQLite file, or a PostgreSQL database `bench_<random>` made from BENCH_POSTGRES_URL and
dropped after). `build_tree` adds 1 root, 63 provinces, 63 x 25 districts/sectors and 63 grassroots
unions under each (100,864 units in 4 levels), eight members per grassroots union, two phases with a
target per unit; `add_initiatives` adds initiatives over both phases (about ten per grassroots union
at 1,000,000). Rows go in by COPY on PostgreSQL and by executemany on SQLite.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import AsyncIterator, Iterable

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from conversations.text import fold
from storage import migrate
from storage.db import Database
from storage.demo import load_demo_units
from storage.models import Unit

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
PHASES = (("GD1", "Giai đoạn 1", date(2025, 1, 1), date(2025, 12, 31)),
          ("GD2", "Giai đoạn 2", date(2026, 1, 1), date(2026, 12, 31)))
MEMBERS = 8  # per grassroots union: ~10 initiatives each at 1,000,000 come from ~6 distinct authors
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang")
STATUSES = ("valid",) * 12 + ("submitted",) * 5 + ("needs_changes", "rejected", "draft")
TITLES = ("Cải tiến giá kẹp phôi máy tiện", "Số hóa sổ theo dõi ca trực", "Tái sử dụng nước làm mát máy ép",
          "Bảng kiểm an toàn điện cho tổ bảo trì", "Phần mềm đặt lịch khám cho người lao động",
          "Khay chia linh kiện theo màu", "Giảm giấy tờ khi xin nghỉ phép", "Đèn báo quá tải cho băng chuyền")
FIELDS = ("Sản xuất kinh doanh", "An toàn vệ sinh lao động, môi trường", "Chuyển đổi số", "Y tế", "Khác")
PROBLEM = "Trước đây mỗi ca mất nhiều thời gian, hàng hỏng và người lao động phải làm thêm giờ."
SOLUTION = "Tổ đã làm thêm gá định vị và hướng dẫn lại quy trình cho từng người."
BENEFIT = "Giảm hàng hỏng, tiết kiệm khoảng 30 phút mỗi ca."


async def postgres_problem(url: str = POSTGRES_URL) -> str | None:
    """None when the server answers; otherwise why not."""
    db = Database.from_url(url)
    try:
        await asyncio.wait_for(db.ping(), timeout=5)
        return None
    except Exception as error:  # any failure to connect means "no server here"
        return f"{type(error).__name__}: {error}"
    finally:
        await db.close()


def _asyncpg_dsn(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_database(engine: str, server: str | None = None) -> AsyncIterator[str]:
    """A migrated database with the demo units; its URL (the worker reads nothing else). PostgreSQL's is made
    on `server` (default: POSTGRES_URL)."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-") as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            await _prepare(url)
            yield url
        return
    import asyncpg

    admin = make_url(server or POSTGRES_URL)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(_asyncpg_dsn(admin), timeout=10)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        url = admin.set(database=name).render_as_string(hide_password=False)
        try:
            await _prepare(url)
            yield url
        finally:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _prepare(url: str) -> None:
    db = Database.from_url(url)
    try:
        await migrate.upgrade(db)
        async with db.transaction() as tx:
            await load_demo_units(tx)
    finally:
        await db.close()


def _when(value: datetime, sqlite: bool):
    """A UTC datetime as SQLAlchemy stores it: naive text on SQLite, aware on PostgreSQL."""
    return value.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else value


async def bulk(db: Database, table: str, columns: tuple[str, ...], rows: Iterable[tuple], chunk: int = 50_000) -> int:
    """Insert rows (COPY on PostgreSQL, executemany on SQLite); the table's id sequence follows."""
    sqlite = db.engine.dialect.name == "sqlite"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    total, batch, rows = 0, [], iter(rows)
    async with db.engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        # Fixtures only: the rows are made consistent, so foreign keys are not checked row by row (superuser only
        # on PostgreSQL; without it they are checked, slower).
        if sqlite:
            await driver.execute("PRAGMA foreign_keys=OFF")
        async with conn.begin():
            if not sqlite:
                await _try(conn, "SET LOCAL session_replication_role = replica")
            while True:
                batch = [row for _, row in zip(range(chunk), rows)]
                if not batch:
                    break
                if sqlite:
                    await driver.executemany(sql, batch)
                else:
                    await driver.copy_records_to_table(table, records=batch, columns=list(columns))
                total += len(batch)
            if not sqlite and "id" in columns:
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                await conn.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))
        if sqlite:
            await driver.execute("PRAGMA foreign_keys=ON")
    return total


async def _try(conn, statement: str) -> None:
    try:
        async with conn.begin_nested():
            await conn.execute(text(statement))
    except Exception:  # noqa: BLE001  (not allowed here: the fill is only slower)
        pass


@dataclass
class Tree:
    root: int = 0
    provinces: list[int] = field(default_factory=list)
    grassroots: list[int] = field(default_factory=list)  # every grassroots union, the demo ones too
    members: dict[int, int] = field(default_factory=dict)  # grassroots id -> the first of its MEMBERS members
    phases: list[tuple[int, date, date]] = field(default_factory=list)
    next_initiative: int = 1
    units: int = 0


async def build_tree(db: Database, provinces: int = 63, districts: int = 25, grassroots: int = 63) -> Tree:
    sqlite = db.engine.dialect.name == "sqlite"
    rng = random.Random(7)
    async with db.session() as session:
        first = ((await session.execute(select(func.max(Unit.id)))).scalar() or 0) + 1
        demo = list((await session.execute(select(Unit.id).where(Unit.kind == "grassroots"))).scalars())
    tree, units, ids = Tree(), [], iter(range(first, 10**9))

    def unit(code, name, kind, parent, path, members):
        uid = next(ids)
        units.append([uid, code, name, fold(name), kind, parent, f"{path}{uid}/", members, None])
        return uid, f"{path}{uid}/", len(units) - 1

    tree.root, root_path, root_row = unit("VN", "Tổng Liên đoàn Lao động Việt Nam", "national", None, "/", 0)
    for p in range(1, provinces + 1):
        pid, ppath, prow = unit(f"P{p:02d}", f"Liên đoàn Lao động tỉnh số {p:02d}", "province_federation", tree.root,
                                root_path, 0)
        tree.provinces.append(pid)
        for d in range(1, districts + 1):
            did, dpath, drow = unit(f"P{p:02d}-D{d:02d}", f"Công đoàn cấp trên số {d:02d} tỉnh {p:02d}", "direct_superior",
                                    pid, ppath, 0)
            for g in range(1, grassroots + 1):
                size = rng.randint(20, 900)
                gid, _, _ = unit(f"P{p:02d}-D{d:02d}-G{g:02d}", f"Công đoàn cơ sở đơn vị {p:02d}.{d:02d}.{g:02d}",
                                 "grassroots", did, dpath, size)
                tree.grassroots.append(gid)
                for row in (drow, prow, root_row):
                    units[row][7] += size
    columns = ("id", "code", "name", "name_folded", "kind", "parent_id", "path", "member_count", "target")
    tree.units = await bulk(db, "units", columns, (tuple(row) for row in units))
    tree.grassroots += demo
    now = _when(datetime(2025, 1, 1, tzinfo=timezone.utc), sqlite)
    tree.members = {gid: 1_000_000 + MEMBERS * n for n, gid in enumerate(tree.grassroots)}
    names = [(name, fold(name)) for name in NAMES]
    members = ((first + k, *names[k % len(names)], gid, "vi", now)
               for gid, first in tree.members.items() for k in range(MEMBERS))
    await bulk(db, "members", ("id", "name", "name_folded", "unit_id", "locale", "created_at"), members)
    for number, (code, name, starts, ends) in enumerate(PHASES, start=1):
        tree.phases.append((number, starts, ends))
    await bulk(db, "phases", ("id", "code", "name", "starts_on", "ends_on"),
               [(n, c, name, s.isoformat() if sqlite else s, e.isoformat() if sqlite else e)
                for n, (c, name, s, e) in enumerate(PHASES, start=1)])
    targets = ((n * 10**7 + row[0], row[0], n, max(1, row[7] // 10)) for n in (1, 2) for row in units)
    await bulk(db, "phase_targets", ("id", "unit_id", "phase_id", "target"), targets)
    await analyze(db)
    return tree


async def add_initiatives(db: Database, tree: Tree, count: int, seed: int = 11) -> int:
    """`count` more initiatives spread evenly at random over the grassroots unions and both phases."""
    sqlite = db.engine.dialect.name == "sqlite"
    rng = random.Random(seed + tree.next_initiative)
    start, tree.next_initiative = tree.next_initiative, tree.next_initiative + count
    async with db.session() as session:  # after the ones the bot itself stored meanwhile
        offset = ((await session.execute(text("SELECT max(id) FROM initiatives"))).scalar() or 0) + 1 - start
    today = datetime.now(timezone.utc).date()  # nothing sent in the future
    spans = [(datetime.combine(s, datetime.min.time(), timezone.utc), max(1, (min(e, today) - s).days + 1))
             for _, s, e in tree.phases]
    units = tree.grassroots
    coauthors = "[]"

    def rows():
        for i in range(start, start + count):
            unit = units[rng.randrange(len(units))]
            author = tree.members[unit] + rng.randrange(MEMBERS)
            status = STATUSES[rng.randrange(len(STATUSES))]
            begin, days = spans[i & 1]
            created = begin + timedelta(days=rng.randrange(days), seconds=rng.randrange(86_400))
            when = _when(created, sqlite)
            sent = status != "draft"
            value = rng.randrange(1, 500) * 1_000_000 if i % 3 == 0 else None
            yield (offset + i, f"BK-{i:08d}" if sent else None, status, TITLES[i % len(TITLES)], FIELDS[i % len(FIELDS)],
                   PROBLEM, SOLUTION, BENEFIT, value, coauthors, author, author, unit, None if sent else "benefit",
                   when, when, when if sent else None, 0)

    columns = ("id", "code", "status", "title", "field", "problem", "solution", "benefit", "estimated_value", "coauthors",
               "author_id", "entered_by_id", "unit_id", "current_step", "created_at", "updated_at", "submitted_at",
               "nudges_sent")
    async with indexes_rebuilt(db, "initiatives", count > 100_000):
        added = await bulk(db, "initiatives", columns, rows())
    await analyze(db)
    return added


@asynccontextmanager
async def indexes_rebuilt(db: Database, table: str, rebuild: bool) -> AsyncIterator[None]:
    """The table's plain indexes dropped for a large fill and made again after, from their own definitions."""
    sqlite = db.engine.dialect.name == "sqlite"
    query = (f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' AND sql IS NOT NULL"
             if sqlite else
             f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '{table}' AND schemaname = current_schema() "
             f"AND indexname NOT IN (SELECT conname FROM pg_constraint)")
    async with db.engine.begin() as conn:
        indexes = (await conn.execute(text(query))).all() if rebuild else []
        for name, _ in indexes:
            await conn.execute(text(f'DROP INDEX "{name}"'))
    try:
        yield
    finally:
        async with db.engine.begin() as conn:
            if not sqlite and indexes:
                await conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
            for _, definition in indexes:
                await conn.execute(text(definition))


async def analyze(db: Database) -> None:
    """Fresh planner statistics, as a server's autovacuum or a maintenance job would keep them."""
    if db.engine.dialect.name == "sqlite":
        async with db.engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
        return
    async with db.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))


async def stored_submissions(database_url: str) -> int:
    db = Database.from_url(database_url)
    try:
        async with db.engine.connect() as conn:
            return (await conn.execute(text("SELECT count(*) FROM initiatives WHERE code LIKE 'SK-%'"))).scalar_one()
    finally:
        await db.close()
