"""`sangkien db copy`: move an installation into an empty database (an embedded SQLite file into PostgreSQL).

The whole copy is one transaction on the target: all or nothing. That suits the size of an
embedded installation (thousands to a few hundred thousand rows); the source is only read.
Stop the bot while it runs: rows written to the source meanwhile make the counts differ, and
the copy is then rolled back.
"""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Integer, bindparam, func, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import migrate
from storage.db import Database
from storage.models import Base  # registers every table, campaigns' too
from storage.problems import masked


EXAMPLE = "postgresql+asyncpg://user:password@host:5432/db"


class CopyError(Exception):
    """The copy was refused or failed; the message says why and never holds a password."""


async def copy_urls(source_url: str, target_url: str, *, batch: int = 1000, schema: str | None = None) -> dict[str, int]:
    """Open both databases and copy; `schema` is the target's PostgreSQL schema (for tests and shared servers)."""
    urls = []
    for option, url in (("--from", source_url), ("--to", target_url)):
        try:
            urls.append(make_url(url))
        except ArgumentError:
            raise CopyError(f"{option} is not a database URL (e.g. {EXAMPLE})") from None
        if urls[-1].drivername in ("postgresql", "postgres"):
            raise CopyError(f"{option} needs the asyncpg driver: {EXAMPLE}")
    source = target = None
    try:
        _check_source_file(urls[0])
        source = Database.from_url(source_url)
        target = Database.from_url(target_url, search_path=schema)
        return await copy_database(source, target, batch=batch)
    except CopyError as error:
        raise CopyError(_redact(str(error), urls)) from None
    except Exception as error:  # opening the engines: a driver missing, say
        raise CopyError(_redact(f"cannot open the databases: {_describe(error)}", urls)) from None
    finally:
        for db in (source, target):
            if db is not None:
                await db.close()


async def copy_database(source: Database, target: Database, *, batch: int = 1000) -> dict[str, int]:
    """Copy every table of the models, in batches of `batch` rows; returns rows copied per table."""
    for name, db in (("source", source), ("target", target)):
        try:
            await db.ping()
        except Exception as error:
            raise CopyError(f"cannot reach the {name} database {masked(db.engine.url)}: {_describe(error)}") from None
    head, current = newest_revision(), await migrate.current_revision(source)
    if current != head:
        raise CopyError(
            f"the source {masked(source.engine.url)} is at migration {current or 'none'}, not the newest ({head}): "
            "run `sangkien db upgrade` on it first; nothing was copied"
        )
    filled = await _tables_with_rows(target)
    if filled:
        raise CopyError(
            f"the target {masked(target.engine.url)} already holds data ({', '.join(filled)}); nothing was written. "
            "Copy into an empty database: create a new one (e.g. `createdb sangkien`) and give its URL to --to"
        )
    tables = Base.metadata.sorted_tables  # parents before children
    try:
        await migrate.upgrade(target)
        async with source.engine.connect() as src, target.engine.begin() as dst:
            counts = {table.name: await _copy_table(src, dst, table, batch) for table in tables}
            await _verify(src, dst, tables, counts)
            if dst.dialect.name == "postgresql":
                await _reset_sequences(dst, tables)
    except CopyError:
        raise
    except Exception as error:
        raise CopyError(f"the copy failed and was rolled back: {_describe(error)}") from error
    return counts


def newest_revision() -> str | None:
    return ScriptDirectory(str(migrate.MIGRATIONS)).get_current_head()


def _check_source_file(url: URL) -> None:
    # aiosqlite would quietly create an empty file where the source was mistyped.
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        if not Path(url.database).exists():
            raise CopyError(f"no SQLite database at {url.database}; give its URL with --from or DATABASE_URL")


async def _count(conn: AsyncConnection, table) -> int:
    return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def _tables_with_rows(db: Database) -> list[str]:
    """Tables of the models that exist in `db` and hold rows (read before migrating, so a refusal writes nothing)."""
    async with db.engine.connect() as conn:
        present = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
        return [t.name for t in Base.metadata.sorted_tables if t.name in present and await _count(conn, t)]


async def _copy_table(src: AsyncConnection, dst: AsyncConnection, table, batch: int) -> int:
    """Every row as is (ids included), in primary-key order.

    A column pointing into its own table (units.parent_id) is written as NULL first and set once
    every row is in: a unit moved under a unit created after it has a smaller id than its
    parent, so no insertion order by id is safe, and the materialised path may not be trusted.
    """
    own = [c for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]
    key = list(table.primary_key.columns)
    links: list[dict] = []
    copied = 0
    result = await src.stream(select(table).order_by(*key))
    async for rows in result.partitions(batch):
        values = [row._asdict() for row in rows]
        for row in values:
            if any(row[c.name] is not None for c in own):
                links.append({"b_key": row[key[0].name], **{f"b_{c.name}": row[c.name] for c in own}})
                row.update({c.name: None for c in own})
        await dst.execute(table.insert(), values)
        copied += len(values)
    if links:
        relink = table.update().where(key[0] == bindparam("b_key")).values({c.name: bindparam(f"b_{c.name}") for c in own})
        for start in range(0, len(links), batch):
            await dst.execute(relink, links[start : start + batch])
    return copied


async def _verify(src: AsyncConnection, dst: AsyncConnection, tables, counts: dict[str, int]) -> None:
    """Count again on both sides, inside the copy's transaction: a difference rolls everything back."""
    wrong = []
    for table in tables:
        there, here = await _count(src, table), await _count(dst, table)
        if not there == here == counts[table.name]:
            wrong.append(f"{table.name}: source {there}, copied {counts[table.name]}, target {here}")
    if wrong:
        raise CopyError(
            "the copy does not match the source, so it was rolled back (is the bot still writing to the source? "
            "stop it and copy again): " + "; ".join(wrong)
        )


async def _reset_sequences(dst: AsyncConnection, tables) -> None:
    # Rows came with their ids, so each serial sequence still stands at 1: move it past the largest id.
    for table in tables:
        column = table.c.get("id")
        if column is None or not column.primary_key or not isinstance(column.type, Integer):
            continue  # e.g. code_counters, keyed by year
        name = dst.dialect.identifier_preparer.quote(table.name)
        await dst.execute(text(
            f"SELECT setval(pg_get_serial_sequence(:table, 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
        ), {"table": name})


def _describe(error: BaseException) -> str:
    """One line: the driver's own error rather than SQLAlchemy's wrapper with its SQL and parameters."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        lines = str(error.orig).strip().splitlines()  # the server's words; the adapter's class name says nothing
        return lines[0] if lines else type(error.orig).__name__
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def _redact(message: str, urls: list[URL]) -> str:
    for url in urls:
        if url.password:
            message = message.replace(str(url.password), "***")
    return message
