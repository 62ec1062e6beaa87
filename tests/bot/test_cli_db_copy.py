"""`sangkien db copy`: a small SQLite installation into a PostgreSQL schema (and a new SQLite file),
with the counts printed; clear refusals and a non-zero exit, and never a password in the output."""

from __future__ import annotations

import asyncio

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings
from storage import migrate
from storage.db import Database
from storage.demo import load_demo_units
from tests.conftest import POSTGRES_URL
from tests.storage.test_copy import create_schema, drop_schema

DEMO_UNITS = 21
PASSWORD = "s3cret-Pa55word"


def sangkien(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def prepare(url: str, revision: str = "head", members: int = 2) -> None:
    async def run():
        db = Database.from_url(url)
        try:
            await migrate.upgrade(db, revision)
            if revision == "head":
                async with db.transaction() as tx:
                    await load_demo_units(tx)
                    unit = await tx.units.by_code("CDCS-MN-KIMHY")
                    for n in range(members):
                        await tx.members.register(channel="console", external_user_id=str(n), name=f"Người {n}",
                                                  unit_id=unit.id, target_group=None, locale="vi")
        finally:
            await db.close()

    asyncio.run(run())


@pytest.fixture
def source(tmp_path, monkeypatch):
    url = f"sqlite+aiosqlite:///{tmp_path / 'sangkien.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    prepare(url)
    yield url
    get_settings.cache_clear()


@pytest.fixture
def schema():
    name = asyncio.run(create_schema())
    yield name
    asyncio.run(drop_schema(name))


def counted(output: str) -> dict[str, int]:
    return {line.split()[0]: int(line.split()[1]) for line in output.splitlines() if line.startswith("  ")}


def test_copies_into_a_postgresql_schema_once(source, schema):
    done = sangkien("db", "copy", "--to", POSTGRES_URL, "--schema", schema, "--batch", 5)
    assert done.exit_code == 0, done.output
    counts = counted(done.stdout)
    assert counts["units"] == DEMO_UNITS and counts["members"] == 2 and counts["channel_identities"] == 2
    assert counts["outbox"] == 0 and len(counts) == 21
    assert f"copied {DEMO_UNITS + 4} rows in 21 tables; every count matches the source" in done.stdout
    again = sangkien("db", "copy", "--to", POSTGRES_URL, "--schema", schema)
    assert again.exit_code == 1 and "already holds data" in again.stderr and "empty database" in again.stderr


def test_copies_into_a_new_sqlite_file_from_another_source(source, tmp_path):
    other = f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"
    prepare(other, members=5)
    done = sangkien("db", "copy", "--from", other, "--to", f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}")
    assert done.exit_code == 0, done.output
    assert counted(done.stdout)["members"] == 5


def test_a_source_behind_the_newest_migration_is_refused(tmp_path):
    old = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    prepare(old, revision="0003")
    refused = sangkien("db", "copy", "--from", old, "--to", f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    assert refused.exit_code == 1 and "run `sangkien db upgrade` on it first" in refused.stderr
    missing = sangkien("db", "copy", "--from", f"sqlite+aiosqlite:///{tmp_path / 'typo.db'}", "--to", old)
    assert missing.exit_code == 1 and "no SQLite database at" in missing.stderr
    assert not (tmp_path / "typo.db").exists()


def test_an_unreachable_target_is_reported_without_its_password(source):
    target = f"postgresql+asyncpg://sangkien:{PASSWORD}@127.0.0.1:9/sangkien"  # nothing listens on port 9
    failed = sangkien("db", "copy", "--to", target)
    assert failed.exit_code == 1
    assert "cannot reach the target database postgresql+asyncpg://sangkien:***@127.0.0.1:9/sangkien" in failed.stderr
    assert PASSWORD not in failed.output
    garbled = sangkien("db", "copy", "--to", f"postgres ql://sangkien:{PASSWORD}@host/db")
    assert garbled.exit_code == 1 and "--to is not a database URL" in garbled.stderr
    assert PASSWORD not in garbled.output
    syncdriver = sangkien("db", "copy", "--to", f"postgresql://sangkien:{PASSWORD}@127.0.0.1:9/sangkien")
    assert syncdriver.exit_code == 1 and "needs the asyncpg driver" in syncdriver.stderr
    assert PASSWORD not in syncdriver.output
