"""Alembic, driven from code so `sangkien db upgrade` needs no alembic.ini next to the process."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError

from storage.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


class Refused(Exception):
    """Alembic would not migrate: an unknown revision, say."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(db: Database, revision: str = "head") -> None:
    """Apply migrations on the database's own engine (and so its own schema, in tests)."""
    url = db.engine.url.render_as_string(hide_password=False)

    def run(connection) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, revision)
        except CommandError as error:
            raise Refused(str(error)) from None

    async with db.engine.begin() as conn:
        await conn.run_sync(run)


async def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with db.engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
