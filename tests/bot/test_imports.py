"""bot/ has no import circle: no module imports one that imports it back, through any chain, counting the
imports inside functions too; and none hides an import behind TYPE_CHECKING."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in (ROOT / "bot").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def graph() -> dict[str, set[str]]:
    trees = modules()
    edges: dict[str, set[str]] = {}
    for name, tree in trees.items():
        named: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                named |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                named |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        edges[name] = {other for other in named if other in trees and other != name}
    return edges


def reaches(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), list(edges[start])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(edges[name])
    return seen


def test_no_module_in_bot_imports_one_that_imports_it_back():
    edges = graph()
    circles = sorted(name for name in edges if name in reaches(edges, name))
    assert circles == []


def test_the_check_finds_a_circle():
    assert "a" in reaches({"a": {"b"}, "b": {"c"}, "c": {"a"}}, "a")


def test_no_import_in_bot_is_for_type_checking_only():
    hidden = [name for name, tree in modules().items() for node in ast.walk(tree)
              if isinstance(node, ast.Name) and node.id == "TYPE_CHECKING"]
    assert hidden == []
