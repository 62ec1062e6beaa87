"""Loading the demo unit tree (storage/demo_data.py) into a database."""

from __future__ import annotations

from storage.demo_data import demo_units_in_tree_order
from storage.repositories import Transaction


async def load_demo_units(tx: Transaction) -> int:
    """Add the demo units that are missing; returns how many were added (0 when all are there)."""
    added = 0
    by_code = {}
    for unit in demo_units_in_tree_order():
        existing = await tx.units.by_code(unit.code)
        if existing is None:
            parent = by_code.get(unit.parent_code) if unit.parent_code else None
            existing = await tx.units.add(
                code=unit.code, name=unit.name, kind=unit.kind, parent=parent, member_count=unit.member_count
            )
            added += 1
        by_code[unit.code] = existing
    return added
