"""Choices offered in staff forms: mapping targets per column, existing and new tags."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.imports.mapping import FIELD_TARGETS, SKIP
from bot.imports.values import snake_key
from storage.lookups import property_definitions, tag_names

FIELD_LABELS = {
    "full_name": "Full name", "first_name": "First name", "last_name": "Last name",
    "middle_name": "Middle name", "phone:mobile": "Phone (mobile)", "phone:work": "Phone (work)",
    "phone:home": "Phone (home)", "phone:other": "Phone (other)", "email": "Email",
    "company": "Company", "tags": "Tags", "facebook": "Facebook", "instagram": "Instagram",
    "notes": "Notes", SKIP: "Don't import",
}


def target_label(target: str) -> str:
    """A person-readable name of a mapping target."""
    if target in FIELD_LABELS:
        return FIELD_LABELS[target]
    parts = target.split(":")
    if parts[0] == "property" and len(parts) == 2:
        return f"Property: {parts[1]}"
    if parts[0] == "new_property" and len(parts) == 3:
        return f"New property: {parts[1]} ({parts[2]})"
    return target


def mapping_choices(session: Session, columns: list[dict]) -> list[list[tuple[str, str]]]:
    """For each column of an import's description, its (target, label) choices: contact
    fields, existing custom properties, a new property named after the header, don't import.
    The column's current target is always among them."""
    existing = property_definitions(session)
    keys = {key for key, _, _ in existing}
    common = [(t, target_label(t)) for t in FIELD_TARGETS]
    common += [(f"property:{key}", f"Property: {label}") for key, label, _ in existing]
    choices = []
    for position, column in enumerate(columns):
        own = list(common)
        current = column["target"]
        if current.startswith("new_property:"):
            own.append((current, target_label(current)))
        else:
            key = snake_key(column["header"]) or f"column_{position + 1}"
            if key not in keys:
                own.append((f"new_property:{key}:text", target_label(f"new_property:{key}:text")))
            if current not in dict(own) and current != SKIP:
                own.append((current, target_label(current)))
        own.append((SKIP, FIELD_LABELS[SKIP]))
        choices.append(own)
    return choices


def suggest_tags(session: Session, typed: str, limit: int = 20) -> list[tuple[str, bool]]:
    """Tags for a picker: existing ones matching `typed`, plus `typed` itself as a new tag.
    Each is (name, is_new)."""
    typed = " ".join(typed.split())[:64]
    names = tag_names(session, typed, limit)
    suggestions = [(name, False) for name in names]
    if typed and typed.casefold() not in {name.casefold() for name in names}:
        suggestions.insert(0, (typed, True))
    return suggestions[:limit]
