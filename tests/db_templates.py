"""Migrate once per test process, hand each test a fresh copy: what makes the database fixtures cheap.

Migrating a database takes about 0.3 s on either engine, and most tests want one on each; so each test process
(each pytest-xdist worker) migrates once and every test gets a copy that is indistinguishable from a fresh one:

* SQLite: a migrated template file (and one with the demo units loaded), copied per test (about 2 ms).
* PostgreSQL schemas (the `db` fixture): one working schema per process, put back before each test to exactly the
  contents of a template schema (freshly migrated, or migrated with the demo units): every table emptied, the
  template's rows copied in and every sequence set as the template's, in one statement (a few ms). That statement
  first checks that the schema's structure is still the one migrated (catalog oids and columns): a test that
  migrates down and up again, or changes a table, gets the schema replaced by a newly migrated one instead.
* The engines of the `db` fixture and the channel harnesses are kept from test to test (a new Database on one each
  time, its pool emptied between tests): SQLAlchemy caches compiled statements per engine, and an engine per test
  compiled a third of all statements again, in every test (the handlers' tests took 30% longer).
* PostgreSQL databases (`postgres_database_url`, for bot processes of their own): CREATE DATABASE ... TEMPLATE
  from a database migrated once.

Every name carries a random part, so parallel runs on one server (xdist workers, other checkouts) never meet.
Whatever was made is dropped when the test process ends (`cleanup`, from a session fixture in tests/conftest.py).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import migrate
from storage.db import Database, create_engine
from storage.demo import load_demo_units

# The structure of a schema as the catalog has it: any relation, type or function made or dropped in the schema
# ({ns}), and any column, default, index, constraint or trigger of its relations ({relations}, the oids found
# when it was migrated) made, dropped or changed, gives another digest. Index scans only: the catalogs of a test
# server are full of dead rows from the schemas that runs make and drop.
_STRUCTURE = """
SELECT md5(coalesce(string_agg(item, ',' ORDER BY item), '')) FROM (
    SELECT concat_ws('/', 'n', d.classid, d.objid, d.deptype) AS item FROM pg_depend d
    WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = {ns}
    UNION ALL
    SELECT concat_ws('/', 'c', c.oid, c.relname, c.relkind, c.relnatts) FROM pg_class c WHERE c.oid = ANY({relations})
    UNION ALL
    SELECT concat_ws('/', 'a', a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.atthasdef,
                     a.attisdropped)
    FROM pg_attribute a WHERE a.attrelid = ANY({relations}) AND a.attnum > 0
    UNION ALL
    SELECT concat_ws('/', 'd', d.oid) FROM pg_attrdef d WHERE d.adrelid = ANY({relations})
    UNION ALL
    SELECT concat_ws('/', 'i', i.indexrelid) FROM pg_index i WHERE i.indrelid = ANY({relations})
    UNION ALL
    SELECT concat_ws('/', 'k', k.oid) FROM pg_constraint k WHERE k.conrelid = ANY({relations})
    UNION ALL
    SELECT concat_ws('/', 't', t.oid) FROM pg_trigger t WHERE t.tgrelid = ANY({relations})
) structure
"""

# A table with more rows than this is truncated (a new empty file) rather than deleted from row by row.
_TRUNCATE_FROM = 1000


async def migrated(db: Database, demo: bool) -> None:
    """Migrate `db` (and load the demo units), then close it."""
    try:
        await migrate.upgrade(db)
        if demo:
            async with db.transaction() as tx:
                await load_demo_units(tx)
    finally:
        await db.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class KeptEngine:
    """One engine kept for the test process's working database, handed to each test in a new Database.

    Its pool is emptied before each test, so no connection outlives the event loop of the test that opened it.
    An engine that a test gave listeners to (counting statements) is not reused: the next test gets a new one."""

    def __init__(self) -> None:
        self._engine: AsyncEngine | None = None
        self._key: tuple = ()
        self._listeners: tuple[int, ...] = ()

    async def release(self) -> None:
        """Close the last test's connections (its own teardown normally has); an engine with a connection still
        out (a task the test left running) is left to it, and the next test gets a new one."""
        if self._engine is not None:
            if self._engine.sync_engine.pool.checkedout():
                self._engine = None
            else:
                await self._engine.dispose()

    async def database(self, url: str, search_path: str | None = None) -> Database:
        if self._engine is not None and ((url, search_path) != self._key or _listeners(self._engine) != self._listeners):
            await self._engine.dispose()
            self._engine = None
        if self._engine is None:
            self._engine = create_engine(url, search_path=search_path)
            self._key, self._listeners = (url, search_path), _listeners(self._engine)
        return Database(self._engine)


def _listeners(engine: AsyncEngine) -> tuple[int, ...]:
    """How many listeners each engine and pool event has."""
    counts = []
    for target in (engine.sync_engine, engine.sync_engine.pool):
        counts += [len(getattr(target.dispatch, name)) for name in target.dispatch._event_names]
    return tuple(counts)


class SqliteTemplates:
    """Migrated SQLite files, made on first use, copied for each test."""

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._files: dict[bool, Path] = {}
        self._kept: dict[str, KeptEngine] = {}

    async def working(self, *, demo: bool = False, name: str = "work") -> Database:
        """A working file of this process's, as new, on its kept engine: the `db` fixture's, or one per `name` for
        tests that need several at once (a Telegram and a Zalo channel)."""
        template = await self._template(demo)
        kept = self._kept.setdefault(name, KeptEngine())
        await kept.release()
        path = template.with_name(f"work-{name}.db")
        for leftover in path.parent.glob(f"{path.name}-*"):  # a write-ahead log must not be replayed into the copy
            leftover.unlink()
        # A new file, not the old one overwritten: a connection a test left open keeps the old one to itself.
        fresh = path.with_name(f"{path.name}.new")
        shutil.copyfile(template, fresh)
        fresh.replace(path)
        return await kept.database(f"sqlite+aiosqlite:///{path}")

    def copy(self, path: Path, *, demo: bool = False) -> None:
        """The same as a new file at `path`, from synchronous code (no event loop running): for the CLI's tests,
        where `sangkien db upgrade` and `sangkien demo-data` would each cost an interpreter's start."""
        if demo not in self._files:
            asyncio.run(self._template(demo))
        shutil.copyfile(self._files[demo], path)

    async def _template(self, demo: bool) -> Path:
        if demo not in self._files:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="sangkien-test-templates-"))
            path = self._folder / ("demo.db" if demo else "plain.db")
            building = path.with_name(f"building-{uuid.uuid4().hex[:8]}.db")
            await migrated(Database.from_url(f"sqlite+aiosqlite:///{building}"), demo)
            # The last connection closed checkpoints the write-ahead log into the file and removes it.
            leftovers = [p.name for p in building.parent.glob(building.name + "-*")]
            assert not leftovers, f"the SQLite template left {leftovers} behind"
            building.replace(path)
            self._files[demo] = path
        return self._files[demo]

    def cleanup(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._folder, self._files, self._kept = None, {}, {}


class PostgresTemplates:
    """One working schema per test process, reset from template schemas; a template database for whole copies."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._run = uuid.uuid4().hex[:10]
        self._templates: dict[bool, str] = {}  # demo -> template schema
        self._work: str | None = None
        self._reset: dict[bool, str] = {}  # demo -> the statement that puts the working schema back
        self._database: str | None = None  # the template database
        self._made_schemas: list[str] = []
        self._made_databases: list[str] = []
        self._kept = KeptEngine()

    @property
    def made_anything(self) -> bool:
        return bool(self._made_schemas or self._made_databases)

    # --- schemas, for the `db` fixture ---

    async def schema_database(self, *, demo: bool = False) -> Database:
        """A Database on the working schema, its contents those of a fresh migration (and the demo units)."""
        if demo not in self._templates:
            self._templates[demo] = await self._new_schema(f"tpl_{self._run}_{'demo' if demo else 'plain'}", demo)
        if self._work is None:
            await self._new_work_schema()
        if demo not in self._reset:
            self._reset[demo] = await self._reset_statement(demo)
        await self._kept.release()
        database = await self._kept.database(self.url, self._work)
        try:
            try:
                async with database.engine.begin() as conn:
                    await conn.execute(text(self._reset[demo]))
            except DBAPIError as error:
                if "sangkien-test: schema changed" not in str(error) and "lock timeout" not in str(error):
                    raise
                # The last test changed the schema's structure (or left a lock behind): start from a new one.
                await database.close()
                await self._new_work_schema()
                self._reset[demo] = await self._reset_statement(demo)
                database = await self._kept.database(self.url, self._work)
                async with database.engine.begin() as conn:
                    await conn.execute(text(self._reset[demo]))
        except BaseException:
            await database.close()
            raise
        return database

    async def _new_work_schema(self) -> None:
        self._work = await self._new_schema(f"w_{self._run}_{len(self._made_schemas)}", demo=False)
        self._reset = {}

    async def _new_schema(self, name: str, demo: bool) -> str:
        await self._admin(f"CREATE SCHEMA {_quote(name)}")
        self._made_schemas.append(name)
        await migrated(Database.from_url(self.url, search_path=name), demo)
        return name

    async def _reset_statement(self, demo: bool) -> str:
        """One DO block: check the structure, empty every table, copy the template's rows and sequences."""
        work, template = self._work, self._templates[demo]
        admin = Database.from_url(self.url)
        try:
            async with admin.engine.connect() as conn:
                ns = (await conn.execute(text("SELECT oid FROM pg_namespace WHERE nspname = :n"), {"n": work})).scalar_one()
                oids = (await conn.execute(text("SELECT oid FROM pg_class WHERE relnamespace = :ns ORDER BY oid"),
                                           {"ns": ns})).scalars().all()
                structure = _STRUCTURE.format(ns=ns, relations=f"ARRAY[{','.join(str(o) for o in oids)}]::oid[]")
                digest = (await conn.execute(text(structure))).scalar_one()
                tables = (await conn.execute(text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"), {"s": work})).scalars().all()
                sequences = (await conn.execute(text(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = :s ORDER BY sequencename"),
                    {"s": work})).scalars().all()
                filled = []
                for table in tables:
                    if (await conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {_quote(template)}.{_quote(table)})"))).scalar():
                        filled.append(table)
        finally:
            await admin.close()
        lines = [
            "DO $reset$",
            "BEGIN",
            "  PERFORM set_config('lock_timeout', '10s', true);",
            f"  IF ({structure}) <> {_literal(digest)} THEN",
            "    RAISE EXCEPTION 'sangkien-test: schema changed';",
            "  END IF;",
            # Foreign keys are triggers: off for this transaction, so the order of the tables does not matter.
            "  PERFORM set_config('session_replication_role', 'replica', true);",
        ]
        for table in tables:
            name = f"{_quote(work)}.{_quote(table)}"
            lines += [
                f"  IF EXISTS (SELECT 1 FROM {name} OFFSET {_TRUNCATE_FROM}) THEN",
                f"    TRUNCATE {name} CASCADE;",
                "  ELSE",
                f"    DELETE FROM {name};",
                "  END IF;",
            ]
        for table in filled:
            lines.append(f"  INSERT INTO {_quote(work)}.{_quote(table)} SELECT * FROM {_quote(template)}.{_quote(table)};")
        for sequence in sequences:
            lines.append(
                f"  PERFORM setval({_literal(_quote(work) + '.' + _quote(sequence))}, last_value, is_called)"
                f" FROM {_quote(template)}.{_quote(sequence)};"
            )
        lines += ["END", "$reset$"]
        return "\n".join(lines)

    # --- whole databases, for `postgres_database_url` ---

    async def new_database(self) -> str:
        """The URL of a new database, a copy of one migrated once."""
        if self._database is None:
            name = f"tpl_{self._run}"
            await self._admin(f"CREATE DATABASE {_quote(name)}", autocommit=True)
            self._made_databases.append(name)
            db = Database.from_url(self._url_of(name))
            try:
                await migrate.upgrade(db)
            finally:
                await db.close()
            self._database = name
        name = f"t_{uuid.uuid4().hex[:12]}"
        await self._admin(f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(self._database)}", autocommit=True)
        return self._url_of(name)

    async def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        await self._admin(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)", autocommit=True)

    def _url_of(self, name: str) -> str:
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    async def _admin(self, statement: str, *, autocommit: bool = False) -> None:
        admin = Database.from_url(self.url)
        try:
            async with admin.engine.connect() as conn:
                if autocommit:
                    conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text(statement))
                await conn.commit()
        finally:
            await admin.close()

    async def cleanup(self) -> None:
        """Drop every schema and database this process made."""
        for schema in self._made_schemas:
            await self._admin(f"DROP SCHEMA IF EXISTS {_quote(schema)} CASCADE")
        for database in self._made_databases:
            await self._admin(f"DROP DATABASE IF EXISTS {_quote(database)} WITH (FORCE)", autocommit=True)
        self.__init__(self.url)


sqlite = SqliteTemplates()
