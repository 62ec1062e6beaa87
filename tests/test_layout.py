"""The house rules of ../shared/DESIGN.md that code can check."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBRARIES = {"aiogram", "httpx", "aiohttp", "telegram", "requests"}


def imported_modules(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_conversations_and_handlers_import_no_platform_library():
    for folder in ("conversations", "handlers"):
        for path, names in imported_modules(folder).items():
            assert not names & PLATFORM_LIBRARIES, f"{path} imports {names & PLATFORM_LIBRARIES}"


def test_the_engine_is_pure():
    for path, names in imported_modules("conversations").items():
        assert not names & {"storage", "handlers", "bot", "sqlalchemy", "asyncio"}, f"{path} imports {names}"


def test_only_storage_speaks_sql():
    for folder in ("conversations", "handlers", "locales", "bot", "reminders"):
        for path, names in imported_modules(folder).items():
            assert "sqlalchemy" not in names and "alembic" not in names, f"{path} imports a database library"
