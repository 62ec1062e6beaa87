"""The house rules of docs/architecture.md that code can check: the layers, no import circle, who speaks SQL."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: a module imports its own package or a lower one, never a higher one.
LAYERS = ("conversations", "locales", "storage", "documents", "messaging", "handlers", "reminders", "bot")
PLATFORM_LIBRARIES = {"aiogram", "httpx", "aiohttp", "telegram", "requests"}
DATABASE_LIBRARIES = {"sqlalchemy", "alembic", "asyncpg", "aiosqlite", "psycopg", "psycopg2"}


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def modules() -> dict[str, Path]:
    found = {}
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py"):
            if "versions" not in path.parts:  # migration revisions are loaded by alembic, never imported
                found[module_name(path)] = path
    return found


MODULES = modules()


def imports_of(path: Path) -> set[str]:
    """Every module the file imports (at the top, inside a function or under TYPE_CHECKING alike)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from messaging import render` imports the module messaging.render
                sub = f"{node.module}.{alias.name}"
                names.add(sub if sub in MODULES else node.module)
    return names


GRAPH = {name: {i for i in imports_of(path) if i in MODULES} for name, path in MODULES.items()}


def top_level(folder: str) -> dict[str, set[str]]:
    return {name: {i.split(".")[0] for i in imports_of(path)}
            for name, path in MODULES.items() if name.split(".")[0] == folder}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def upward(graph: dict[str, set[str]]) -> list[str]:
    rank = {name: LAYERS.index(name.split(".")[0]) for name in graph}
    return sorted(f"{name} -> {other}" for name, imported in graph.items() for other in imported
                  if LAYERS.index(other.split(".")[0]) > rank[name])


def test_no_import_circle():
    assert circles(GRAPH) == [], "\n".join(" <-> ".join(group) for group in circles(GRAPH))


def test_no_import_runs_up_a_layer():
    assert upward(GRAPH) == [], "\n".join(upward(GRAPH))


def test_conversations_and_handlers_import_no_platform_library():
    for folder in ("conversations", "handlers", "messaging", "documents", "reminders"):
        for name, names in top_level(folder).items():
            assert not names & PLATFORM_LIBRARIES, f"{name} imports {names & PLATFORM_LIBRARIES}"


def test_the_engine_is_pure():
    for name, names in top_level("conversations").items():
        assert not names & {"storage", "handlers", "bot", "sqlalchemy", "asyncio"}, f"{name} imports {names}"


def test_only_storage_speaks_sql():
    for folder in LAYERS:
        if folder == "storage":
            continue
        for name, names in top_level(folder).items():
            assert not names & DATABASE_LIBRARIES, f"{name} imports a database library: {names & DATABASE_LIBRARIES}"


def test_the_checks_see_a_circle_and_an_upward_import():
    """The checks above can fail: a made-up graph with both faults is caught."""
    made_up = {"handlers.a": {"handlers.b"}, "handlers.b": {"handlers.a"}, "storage.x": {"bot.y"}, "bot.y": set()}
    assert circles(made_up) == [["handlers.a", "handlers.b"]]
    assert upward(made_up) == ["storage.x -> bot.y"]
