"""SQL behind staff pickers: tag names matching what was typed, and the custom properties."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import PropertyDefinition, Tag


def tag_names(session: Session, typed: str, limit: int = 50) -> list[str]:
    """Existing tag names containing `typed` (case-insensitive), names starting with it first."""
    key = typed.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = session.execute(
        select(Tag.name, Tag.key).where(Tag.key.like(f"%{key}%", escape="\\"))
        .order_by(Tag.key).limit(limit * 4)
    ).all()
    ranked = sorted(rows, key=lambda row: (not row.key.startswith(typed.casefold()), row.key))
    return [row.name for row in ranked[:limit]]


def property_definitions(session: Session) -> list[tuple[str, str, str]]:
    """Every custom property as (key, label, type), by key."""
    return [tuple(row) for row in session.execute(
        select(PropertyDefinition.key, PropertyDefinition.label, PropertyDefinition.type)
        .order_by(PropertyDefinition.key)
    )]
