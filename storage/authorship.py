"""Who wrote an initiative (tác giả, đồng tác giả): nobody decides, or enters on behalf, their own.

The author is a member id. Co-authors are only the names typed at the form's co-author step
("Lê Văn Nam, Phạm Thị Thu"); nobody is asked to pick accounts, so there is no member id to match.
A member co-wrote an initiative when their name, case, accents and spacing aside, is one of those
names and they belong to the initiative's own unit (the grassroots union the author works in).
Full names repeat a lot (Nguyễn Thị Hoa), so a name alone would keep an officer from deciding a
namesake's initiative anywhere in the province; inside one grassroots union the same full name is
taken to be the same person. A co-author registered in another unit is not recognised: the author
and the reviewer both see the co-author list on the review screen.
"""

from __future__ import annotations

from collections.abc import Iterable

from conversations.text import fold


class OwnInitiative(PermissionError):
    """A decision on an initiative by one of its authors: refused where decisions are stored."""


def co_wrote(member, coauthors: Iterable, unit_id: int | None) -> bool:
    """Is `member` one of these co-author names, typed for an initiative of unit `unit_id`?"""
    if member.unit_id is None or member.unit_id != unit_id:
        return False
    name = fold(member.name)
    return any(fold(str(other)) == name for other in coauthors or ())


def wrote(initiative, member) -> bool:
    """The member is the initiative's author or one of its co-authors, or put it on record for its author
    (entered on behalf): whoever typed the answers in does not judge them either."""
    return (initiative.author_id == member.id or getattr(initiative, "entered_by_id", None) == member.id
            or co_wrote(member, initiative.coauthors, initiative.unit_id))
