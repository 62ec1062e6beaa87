"""The single error type raised by the answer parsers."""

from __future__ import annotations


class ParseError(ValueError):
    """An answer that cannot be understood; `reason` is a short machine key used to pick a friendly message."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params

    def __repr__(self) -> str:
        return f"ParseError({self.reason!r}, **{self.params!r})"
