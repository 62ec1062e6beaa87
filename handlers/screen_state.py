"""A staff screen's own data as a typed value instead of loose `State.meta` keys.

Kept in the same meta dict under the same keys as before (`item`, `decision`, `campaign`, `draft`, …),
so a conversation saved by an earlier release still loads, and next to the keys every staff screen
has (`staff`, `shown`), which it leaves alone.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping, TypeVar

from handlers.staff import Step, screen

S = TypeVar("S", bound="ScreenState")


@dataclass(frozen=True)
class ScreenState:
    def to_meta(self) -> dict[str, Any]:
        """The fields set, by name (None is left out, as State.with_meta does)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}

    @classmethod
    def from_meta(cls: type[S], meta: Mapping[str, Any]) -> S:
        return cls(**{f.name: meta[f.name] for f in fields(cls) if f.name in meta})

    def screen(self, flow: str, replies: list) -> Step:
        """The staff screen `flow` showing `replies`, with this state."""
        return screen(flow, replies, **self.to_meta())
