"""Who may do what, where: every officer action is checked here, on the server, against the unit tree.

An officer of a unit sees and acts on that unit and everything below it, and on nothing else
(binding groups and running campaigns included);
a support team member (Tổ hỗ trợ sáng kiến) views, reviews and submits on behalf in that
subtree; an admin may do everything; a plain member none of these.
"""

from __future__ import annotations

from dataclasses import dataclass

# bind: a group chat to a unit (/ganketnhom); campaign: create, edit, cancel a peak campaign.
ACTIONS = ("view", "review", "export", "report", "invite", "submit_on_behalf", "bind", "campaign")
ALLOWED = {
    "officer": set(ACTIONS),
    "support": {"view", "review", "submit_on_behalf"},
}


@dataclass(frozen=True)
class Scope:
    roles: tuple[tuple[str, str | None], ...]  # (role, unit path) as storage gives them

    @property
    def is_admin(self) -> bool:
        return any(role == "admin" for role, _ in self.roles)

    def can(self, action: str, unit_path: str) -> bool:
        """May this person do `action` on the unit at `unit_path` ('/1/5/23/')?"""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if self.is_admin:
            return True
        return any(
            path is not None and unit_path.startswith(path) and action in ALLOWED.get(role, set())
            for role, path in self.roles
        )

    def units(self, action: str) -> list[str]:
        """The subtree roots where `action` is allowed (empty for a plain member; ['/'] for an admin)."""
        if self.is_admin:
            return ["/"]
        roots = sorted({path for role, path in self.roles if path and action in ALLOWED.get(role, set())})
        return [p for p in roots if not any(p != other and p.startswith(other) for other in roots)]
