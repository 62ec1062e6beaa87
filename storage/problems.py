"""A database that cannot be used, said in one line an operator can act on (and never with its password)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
VERSIONS = Path(__file__).parent / "migrations" / "versions"
_NOT_MIGRATED = re.compile(r"no such (table|column)|(relation|column) \S+ (of relation \S+ )?does not exist")


class Unusable(Exception):
    """The database cannot be used at all; the message says why, without a password."""


def check_sqlite_file(path: str | None) -> None:
    """Refuse a file in a folder that is not there, or a folder given as the file, before connecting: aiosqlite,
    failing to open it, leaves its thread behind to print a traceback after the process has said why."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    file = Path(path)
    if file.is_dir():
        raise Unusable(f"the SQLite database {path} is a folder, not a file")
    if not file.parent.is_dir():
        raise Unusable(f"no folder {file.parent} for the SQLite database {file.name}: create it first")


def masked(url: str) -> str:
    """The URL to show people: its password as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a database URL>"  # make_url's own message would repeat the URL, password and all


def url_problem(url: str) -> str | None:
    """Why `url` is no DATABASE_URL this bot can use, or None."""
    try:
        driver = make_url(url).drivername
    except ArgumentError:
        driver = None
    if driver not in DRIVERS:
        return "must be sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user:password@host/db"
    return None


def head_revision() -> str:
    """The revision this code needs: the newest migration, whose file is named as its revision and numbered."""
    return max(path.stem for path in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


async def check_revision(db, url: str) -> None:
    """Refuse a database not at this code's revision (one query; no alembic), before a command works on it.

    A database with no revision at all fails the query, and `explain` says it is not set up."""
    from sqlalchemy import text

    async with db.session() as session:
        found = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    needed = head_revision()
    if found == needed:
        return
    if found is not None and not (VERSIONS / f"{found}.py").exists():
        raise Unusable(f"the database {masked(url)} is at revision {found}, newer than this version knows "
                       f"(it needs {needed}): run the newer version of the bot")
    raise Unusable(f"the database {masked(url)} is at revision {found or 'none'}, this version needs {needed}: "
                   "run `sangkien db upgrade`")


def explain(error: BaseException, url: str) -> str | None:
    """One line for a failure to use the database at `url`, or None when `error` is no such failure."""
    if isinstance(error, Unusable):
        return str(error)
    if isinstance(error, (ConnectionError, socket.gaierror, TimeoutError)):
        return f"cannot reach the database {masked(url)}: {error.strerror or error or type(error).__name__}"
    if not isinstance(error, DBAPIError) and isinstance(error.__cause__, DBAPIError):
        error = error.__cause__  # named by the transaction (storage.db: Unavailable, Unfit): the driver's words
    if not isinstance(error, DBAPIError):
        return None
    said = str(error.orig if error.orig is not None else error).strip().splitlines()
    said = said[0] if said else type(error).__name__  # the driver's words, not SQLAlchemy's SQL and parameters
    if _NOT_MIGRATED.search(said):
        return f"the database {masked(url)} is not set up for this version ({said}): run `sangkien db upgrade`"
    if "file is not a database" in said:
        return f"DATABASE_URL names a file that is not a SQLite database: {masked(url)}"
    if "unable to open database file" in said:
        return f"cannot open the SQLite database {masked(url)}: does its folder exist, and may this user write there?"
    return f"database {masked(url)}: {said}"
