"""The union tree (cây đơn vị), its phases (giai đoạn) and their targets (chỉ tiêu)."""

from __future__ import annotations

import math
import re
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

CODE_CHARACTERS = "A-Z a-z 0-9 _ -"
CODE = re.compile(r"[A-Za-z0-9_-]+")

UNIT_KINDS = ("national", "province_federation", "sector_union", "corporation_union", "industrial_zone_union",
              "direct_superior", "grassroots")


class Unit(Base):
    """A union unit (đơn vị công đoàn) in a tree of any depth; `path` is '/1/5/23/' for subtree queries."""

    __tablename__ = "units"
    # Subtree ranges (storage.repositories.units.under) compare paths bytewise: on PostgreSQL an index of its own
    # ("ops" renders after the column: path COLLATE "C"); SQLite's ix_units_path serves them already.
    __table_args__ = (
        Index("ix_units_path_bytes", "path", postgresql_ops={"path": 'COLLATE "C"'}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_folded: Mapped[str] = mapped_column(String(400), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Any depth the import allows (storage.unit_import.MAX_LEVELS). SQLite keeps the VARCHAR(1000) it was made with:
    # it never enforces a length, and cannot retype a column other tables refer to inside a migration.
    path: Mapped[str] = mapped_column(Text().with_variant(String(1000), "sqlite"), default="/", index=True)
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    target: Mapped[int | None] = mapped_column(Integer)

    @property
    def effective_target(self) -> int:
        """Chỉ tiêu: the given target, else at least 10% of members."""
        if self.target is not None:
            return self.target
        return math.ceil(self.member_count / 10)


class Phase(Base):
    """A giai đoạn of the programme, with its own targets per unit."""

    __tablename__ = "phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class PhaseTarget(Base):
    """Chỉ tiêu of one unit in one phase."""

    __tablename__ = "phase_targets"
    __table_args__ = (UniqueConstraint("unit_id", "phase_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id", ondelete="CASCADE"), index=True)
    target: Mapped[int] = mapped_column(Integer)
