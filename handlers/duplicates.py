"""Possible duplicates of an initiative among those sent in from its grassroots unit and its parent's subtree."""

from __future__ import annotations

from conversations.similarity import closest
from storage.models import Initiative, Unit
from storage.repositories import Transaction


def _text(initiative: Initiative) -> tuple[str, str]:
    return initiative.title or "", " ".join(filter(None, (initiative.problem, initiative.solution)))


async def similar_to(tx: Transaction, initiative: Initiative, unit: Unit, threshold: float) -> list[dict]:
    """[{code, title, score}], most similar first; empty when nothing reaches the threshold."""
    parent = await tx.units.get(unit.parent_id) if unit.parent_id else None
    pool = await tx.initiatives.neighbours((parent or unit).path, exclude_id=initiative.id)
    by_id = {other.id: other for other in pool}
    matches = closest(_text(initiative), {i: _text(other) for i, other in by_id.items()}, threshold)
    return [{"code": by_id[i].code, "title": by_id[i].title, "score": round(score)} for i, score in matches]
