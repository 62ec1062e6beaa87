"""Nobody decides their own initiative: what a reviewer who wrote or co-wrote one is told, and who is told instead.

The rule (author, or a co-author's name within the initiative's unit) is storage.authorship's; it
is checked where a decision is stored, so a typed code or an old button cannot get round it. Here:
the reviewer's queue leaves such initiatives out with a line saying so, and when one is sent in,
the reviewers who will decide it instead (the nearest unit up the tree with a reviewer who did not
write it, else the admins) are told, through the outbox, once per round of review.
"""

from __future__ import annotations

from conversations.model import Reply
from handlers import notices
from storage.authorship import co_wrote, wrote
from storage.models import Initiative, Member, Unit
from storage.repositories import Transaction
from storage.repositories.help_requests import ancestors


def entering_own(member: Member, worker: Member, answers: dict) -> bool:
    """A support member entering on behalf an initiative that lists them as co-author (or is their own)."""
    return worker.id == member.id or co_wrote(member, answers.get("coauthors") or (), worker.unit_id)


async def leave_for_others(tx: Transaction, initiative: Initiative, unit: Unit) -> int:
    """When a reviewer of this unit's tree wrote the initiative just sent in, tell those who will decide it;
    how many people were told."""
    path_ids = ancestors(unit.path)  # nearest first
    reviewers = await tx.roles.reviewers(path_ids)
    writers = sorted({m.name for _, m in reviewers if wrote(initiative, m)})
    if not writers:
        return 0  # its reviewers find it in their queue as usual
    others: list[Member] = []
    for unit_id in path_ids:
        others = [m for u, m in reviewers if u == unit_id and not wrote(initiative, m)]
        if others:
            break
    else:
        others = [m for m in await tx.roles.admins() if not wrote(initiative, m)]
    rounds = sum(1 for change in await tx.initiatives.status_changes(initiative.id) if change.to_status == "submitted")
    told = Reply("assess.left_for_you", {"code": initiative.code, "title": initiative.title, "unit": unit.name,
                                         "writers": writers})  # fmt: skip
    reached = 0
    for member in {m.id: m for m in others}.values():
        reached += await notices.to_member(tx, member, told, f"own:{initiative.id}:{rounds}") > 0
    return reached
