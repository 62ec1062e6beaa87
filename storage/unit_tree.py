"""The tree an import makes with what is stored: duplicates, missing parents, cycles, depth, and materialised paths.

Every walk here is a loop, never a recursion, and visits each unit once: a national tree of 126,000 units or a chain
hundreds of levels deep costs the same per unit.
"""

from __future__ import annotations

from storage.unit_rows import Problem, UnitRow

# Paths are '/1/5/23/': 320 levels of ids up to 10,000,000 stay under the 2,704 bytes a PostgreSQL b-tree index
# entry may hold (ix_units_path). The union's tree has about six levels.
MAX_LEVELS = 320
_IN_A_CYCLE = -1


def check_tree(rows: list[UnitRow], existing_parents: dict[str, str | None]) -> list[Problem]:
    """Duplicate codes, missing parents, cycles and too deep a tree, judged on the tree as it will be after the import
    (`existing_parents`: code -> parent's code of every stored unit, codes in upper case)."""
    problems, seen = [], {}
    for row in rows:
        if row.code in seen:
            problems.append(Problem(row.line, "duplicate", {"code": row.code, "first": seen[row.code]}))
        seen.setdefault(row.code, row.line)
    parents = {**existing_parents, **{row.code: row.parent_code for row in rows}}
    for row in rows:
        if row.parent_code and row.parent_code not in parents:
            problems.append(Problem(row.line, "no_parent", {"parent": row.parent_code, "code": row.code}))
    levels, cycles = _levels(parents)
    problems += [Problem(seen[code], "cycle", {"code": code, "through": parents[code]}) for code in cycles if code in seen]
    for code, level in levels.items():
        if level == MAX_LEVELS + 1:  # the first too deep on its branch; those below follow from it
            moved = code
            while moved is not None and moved not in seen:  # a stored unit made too deep by a unit the file moves
                moved = parents.get(moved)
            if moved is not None:
                problems.append(Problem(seen[moved], "too_deep", {"code": code, "depth": level, "most": MAX_LEVELS}))
    return problems


def _levels(parents: dict[str, str | None]) -> tuple[dict[str, int], list[str]]:
    """The level of every code (a top-level unit is 1; _IN_A_CYCLE in or below a cycle) and the codes of cycles."""
    levels: dict[str, int] = {}
    cycles: list[str] = []
    for start in parents:
        chain, on_chain, code = [], set(), start
        while code is not None and code in parents and code not in levels and code not in on_chain:
            chain.append(code)
            on_chain.add(code)
            code = parents[code]
        if code in on_chain:
            cycles += chain[chain.index(code):]
            level = _IN_A_CYCLE
        else:  # the top, a missing parent (a problem of its own), or a code whose level is known
            level = levels.get(code, 0) if code is not None else 0
        for code in reversed(chain):
            level = _IN_A_CYCLE if level == _IN_A_CYCLE else level + 1
            levels[code] = level
    return levels, cycles


def tree_paths(parents: dict[int, int | None]) -> dict[int, str]:
    """id -> materialised path ('/1/5/23/') of every unit reachable from the top, parents before children."""
    children: dict[int | None, list[int]] = {}
    for unit, parent in parents.items():
        children.setdefault(parent, []).append(unit)
    paths: dict[int, str] = {}
    queue = [(unit, "/") for unit in children.get(None, [])]
    while queue:
        unit, prefix = queue.pop()
        paths[unit] = path = f"{prefix}{unit}/"
        queue += [(child, path) for child in children.get(unit, [])]
    return paths
