"""Set-based SQL of the contact write path: lookups, bulk inserts and upserts, one batch at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage import bulk
from storage.models import (
    Contact,
    ContactEvent,
    ContactTag,
    Identity,
    ImportContact,
    PropertyDefinition,
    PropertyValue,
    Tag,
    utcnow,
)

# Keep IN lists and VALUES lists well inside SQLite's and PostgreSQL's parameter limits.
_SLICE = 900
# From this many rows on, PostgreSQL takes COPY (storage.bulk); a webhook's single row is
# cheaper as one INSERT than as a staging table and a COPY.
_BULK_ROWS = 50


def _bulk(session: Session, rows) -> bool:
    return len(rows) >= _BULK_ROWS and bulk.is_postgres(session)


def _insert(session: Session, table):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _slices(items: Sequence, size: int = _SLICE) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def find_identity_owners(
    session: Session, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """Map each known (kind, value) to the id of the contact that owns it."""
    by_kind: dict[str, list[str]] = {}
    for kind, value in pairs:
        by_kind.setdefault(kind, []).append(value)
    owners: dict[tuple[str, str], int] = {}
    for kind, values in by_kind.items():
        if bulk.is_postgres(session):
            owners.update({(kind, v): cid for v, cid in bulk.find_owners(session, kind, values)})
            continue
        for part in _slices(sorted(set(values))):
            rows = session.execute(
                select(Identity.value, Identity.contact_id).where(
                    Identity.kind == kind, Identity.value.in_(part)
                )
            )
            owners.update({(kind, value): cid for value, cid in rows})
    return owners


def load_contact_states(session: Session, ids: Iterable[int]) -> dict[int, dict]:
    """The fields, identities, tag keys and property values of each contact, keyed by id."""
    ids = sorted(set(ids))
    states: dict[int, dict] = {}
    for part in _slices(ids):
        for row in session.execute(
            select(Contact.id, Contact.name, Contact.name_source, Contact.company, Contact.notes)
            .where(Contact.id.in_(part))
        ):
            states[row.id] = {
                "name": row.name, "name_source": row.name_source, "company": row.company,
                "notes": row.notes, "identities": set(), "tags": set(), "properties": {},
            }
        for cid, kind, value in session.execute(
            select(Identity.contact_id, Identity.kind, Identity.value)
            .where(Identity.contact_id.in_(part))
        ):
            states[cid]["identities"].add((kind, value))
        for cid, key in session.execute(
            select(ContactTag.contact_id, Tag.key).join(Tag, Tag.id == ContactTag.tag_id)
            .where(ContactTag.contact_id.in_(part))
        ):
            states[cid]["tags"].add(key)
        for cid, key, value in session.execute(
            select(PropertyValue.contact_id, PropertyDefinition.key, PropertyValue.value)
            .join(PropertyDefinition, PropertyDefinition.id == PropertyValue.property_id)
            .where(PropertyValue.contact_id.in_(part))
        ):
            states[cid]["properties"][key] = value
    return states


def contact_names(session: Session, ids: Iterable[int]) -> dict[int, str | None]:
    """The name of each contact id."""
    ids = sorted(set(ids))
    names: dict[int, str | None] = {}
    for part in _slices(ids):
        names.update(session.execute(select(Contact.id, Contact.name).where(Contact.id.in_(part))).all())
    return names


def insert_contacts(session: Session, rows: list[dict]) -> list[int]:
    """Insert contacts; return their new ids in the order of `rows`."""
    if _bulk(session, rows):
        return bulk.insert_contacts(session, rows)
    ids: list[int] = []
    for part in _slices(rows):
        result = session.execute(
            _insert(session, Contact).returning(Contact.id, sort_by_parameter_order=True), part
        )
        ids.extend(result.scalars())
    return ids


def claim_identities(session: Session, rows: list[dict]) -> set[tuple[str, str]]:
    """Insert identities, skipping any (kind, value) another contact holds; return those inserted.

    The unique constraint decides races: a concurrent writer's uncommitted row makes this
    wait, then skip, so two transactions never both claim one identity.
    """
    if _bulk(session, rows):
        return bulk.claim_identities(session, rows)
    claimed: set[tuple[str, str]] = set()
    # A fixed order keeps two concurrent batches from deadlocking on each other's rows.
    rows = sorted(rows, key=lambda row: (row["kind"], row["value"]))
    for part in _slices(rows):
        statement = (
            _insert(session, Identity)
            .on_conflict_do_nothing(index_elements=["kind", "value"])
            .returning(Identity.kind, Identity.value)
        )
        claimed.update((kind, value) for kind, value in session.execute(statement, list(part)))
    return claimed


def delete_contacts(session: Session, ids: Sequence[int]) -> None:
    """Delete contacts (and by cascade what hangs off them)."""
    for part in _slices(list(ids)):
        session.execute(delete(Identity).where(Identity.contact_id.in_(part)))
        session.execute(delete(Contact).where(Contact.id.in_(part)))


def update_contacts(session: Session, rows: list[dict]) -> None:
    """Update contacts by primary key; each row holds `id` and the columns to set."""
    for row in rows:
        values = {k: v for k, v in row.items() if k != "id"}
        session.execute(update(Contact).where(Contact.id == row["id"]).values(**values))


def ensure_tags(session: Session, names: Iterable[str]) -> dict[str, int]:
    """Create the tags that don't exist yet (case-insensitively); return key -> id."""
    wanted = {name.casefold(): name for name in names}
    if not wanted:
        return {}
    rows = [{"key": key, "name": wanted[key]} for key in sorted(wanted)]
    for part in _slices(rows):
        session.execute(_insert(session, Tag).on_conflict_do_nothing(index_elements=["key"]), part)
    ids: dict[str, int] = {}
    for part in _slices(sorted(wanted)):
        ids.update(session.execute(select(Tag.key, Tag.id).where(Tag.key.in_(part))).all())
    return ids


def link_tags(session: Session, pairs: Iterable[tuple[int, int]]) -> None:
    """Attach tags to contacts: (contact_id, tag_id) pairs; existing links are kept."""
    pairs = set(pairs)
    if _bulk(session, pairs):
        bulk.insert_ignoring_duplicates(session, "contact_tags", ("contact_id", "tag_id"),
                                        sorted(set(pairs)), "contact_id, tag_id")
        return
    rows = [{"contact_id": c, "tag_id": t} for c, t in sorted(set(pairs))]
    for part in _slices(rows):
        session.execute(_insert(session, ContactTag).on_conflict_do_nothing(), part)


def ensure_properties(session: Session, types: dict[str, str]) -> dict[str, int]:
    """Create missing property definitions (key -> type); return key -> id."""
    if not types:
        return {}
    rows = [{"key": k, "label": k.replace("_", " ").capitalize(), "type": t} for k, t in types.items()]
    session.execute(
        _insert(session, PropertyDefinition).on_conflict_do_nothing(index_elements=["key"]), rows
    )
    return dict(
        session.execute(
            select(PropertyDefinition.key, PropertyDefinition.id)
            .where(PropertyDefinition.key.in_(list(types)))
        ).all()
    )


def upsert_property_values(session: Session, rows: list[dict]) -> None:
    """Set property values: rows of contact_id, property_id, value."""
    for part in _slices(rows):
        statement = _insert(session, PropertyValue)
        statement = statement.on_conflict_do_update(
            index_elements=["contact_id", "property_id"],
            set_={"value": statement.excluded.value},
        )
        session.execute(statement, list(part))


def insert_events(session: Session, rows: list[dict]) -> None:
    """Append contact events (contact_id, kind, source, changes) to the outbox."""
    if _bulk(session, rows):
        now = utcnow()
        bulk.copy_rows(session, "contact_events",
                       ("contact_id", "kind", "source", "changes", "created_at"),
                       ((r["contact_id"], r["kind"], r["source"], r["changes"], now) for r in rows))
        return
    for part in _slices(rows):
        session.execute(_insert(session, ContactEvent), list(part))


def link_import_contacts(session: Session, import_id: int, contact_ids: Iterable[int]) -> None:
    """Remember which contacts an import touched."""
    contact_ids = set(contact_ids)
    if _bulk(session, contact_ids):
        bulk.insert_ignoring_duplicates(
            session, "import_contacts", ("import_id", "contact_id"),
            [(import_id, cid) for cid in sorted(set(contact_ids))], "import_id, contact_id")
        return
    rows = [{"import_id": import_id, "contact_id": cid} for cid in sorted(set(contact_ids))]
    for part in _slices(rows):
        session.execute(_insert(session, ImportContact).on_conflict_do_nothing(), part)


def contacts_in_import(session: Session, import_id: int, contact_ids: Iterable[int]) -> set[int]:
    """Which of these contacts the import has already created or updated."""
    found: set[int] = set()
    for part in _slices(sorted(set(contact_ids))):
        found.update(session.scalars(
            select(ImportContact.contact_id)
            .where(ImportContact.import_id == import_id, ImportContact.contact_id.in_(part))))
    return found
