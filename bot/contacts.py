"""The one write path: every source creates or updates contacts through upsert_contacts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.errors import IdentityConflictError, ValidationError
from bot.matching import group_records
from bot.records import ContactInput, PreparedContact, Problem, prepare_contact
from bot.resolution import Group, UpsertResult, merge_group, resolve
from storage import writes
from storage.models import utcnow

OUTCOMES = ("created", "updated", "unchanged", "rejected")
_MAX_RACE_RETRIES = 5


def upsert_contacts(
    session: Session,
    inputs: list[ContactInput],
    source: str,
    region: str,
    *,
    strict: bool = False,
    commit: bool = True,
    property_types: dict[str, str] | None = None,
    import_id: int | None = None,
) -> list[UpsertResult]:
    """Create or update one contact per distinct person in `inputs`; return a result per input.

    Values are normalised first (`region` for national phone forms). Inputs sharing an
    identity are one person. An input whose identities belong to two different contacts is
    rejected with the conflict, never merged. Writes are set-based and commit once
    (unless commit=False, for a caller that adds its own rows to the transaction).
    """
    results, prepared = prepare_batch(inputs, region, strict)
    write_prepared(session, prepared, results, source, strict=strict,
                   property_types=property_types, import_id=import_id)
    if commit:
        session.commit()
    return results


def prepare_batch(
    inputs: list[ContactInput], region: str, strict: bool = False
) -> tuple[list[UpsertResult], list[tuple[int, PreparedContact]]]:
    """Normalise a batch without touching the database: a result per input (rejected ones
    final) and the (index, record) pairs still to write."""
    results: list[UpsertResult] = []
    prepared: list[tuple[int, PreparedContact]] = []
    for index, data in enumerate(inputs):
        record, problems = prepare_contact(data, region, strict)
        if record is None:
            results.append(UpsertResult(data.ref, "rejected", problems=problems))
        else:
            prepared.append((index, record))
            results.append(UpsertResult(data.ref, "unchanged", problems=problems))
    return results, prepared


def write_prepared(
    session: Session,
    prepared: list[tuple[int, PreparedContact]],
    results: list[UpsertResult],
    source: str,
    *,
    strict: bool = False,
    property_types: dict[str, str] | None = None,
    import_id: int | None = None,
) -> None:
    """Resolve and write prepared records, filling in `results[index]`; does not commit.

    strict: an identity that belongs to another contact rejects the record (409 in the API);
    otherwise it is left with its contact and the record is told (bot.matching).
    """
    members, dropped = group_records([record for _, record in prepared])
    for position, (kind, value), holder in dropped:
        other = results[prepared[holder][0]].ref
        where = f" (line {other})" if isinstance(other, int) else ""
        results[prepared[position][0]].problems.append(Problem(
            kind, value, f"is also given for another person{where} with a different name and "
                         "email; not added to this one"))
    groups = [Group([prepared[i] for i in group]) for group in members]
    for _ in range(_MAX_RACE_RETRIES):
        groups = _apply(session, groups, results, source, strict, property_types or {},
                        import_id)
        if not groups:
            return
    raise RuntimeError("identity claims kept racing; giving up after retries")


def upsert_contact(
    session: Session, data: ContactInput, source: str, region: str, *, strict: bool = True
) -> UpsertResult:
    """Create or update a single contact (a batch of one).

    strict: raises ValidationError naming each bad field, IdentityConflictError naming the
    other contact; nothing is written in either case.
    """
    result = upsert_contacts(session, [data], source, region, strict=strict)[0]
    if strict and result.conflicts:
        raise IdentityConflictError(result.conflicts)
    if strict and result.outcome == "rejected":
        errors: dict[str, list[str]] = {}
        for problem in result.problems:
            errors.setdefault(problem.field, []).append(f"{problem.value!r} {problem.reason}")
        raise ValidationError(errors)
    return result


def _apply(session, groups, results, source, strict, property_types, import_id) -> list[Group]:
    owners = writes.find_identity_owners(session, [p for g in groups for p in g.identities])
    targets = [r.contact_id for g in groups for _, r in g.members if r.contact_id is not None]
    states = writes.load_contact_states(session, [*owners.values(), *targets])
    live = [g for g in groups if resolve(g, owners, states, results, strict)]
    if import_id is not None:
        # A contact an earlier chunk of this import wrote keeps what that row gave it: the
        # first row of a person wins across chunks as it does within one.
        earlier = writes.contacts_in_import(session, import_id,
                                            [g.contact_id for g in live if g.contact_id])
        for group in live:
            if group.contact_id in earlier:
                group.fill_only = "an earlier row of this file"
    for group in live:
        merge_group(group, states, results)
    lost = _claim(session, live, source)
    if lost:
        writes.delete_contacts(session, [g.contact_id for g in lost])
        retry = [Group(g.members) for g in lost]
        live = [g for g in live if g not in lost]
    else:
        retry = []
    _write_rest(session, live, source, property_types, import_id)
    for group in live:
        for index, _ in group.members:
            results[index].contact_id = group.contact_id
    return retry


def _claim(session, groups: list[Group], source: str) -> list[Group]:
    """Insert new contacts and every new identity; return new groups that lost a race."""
    new = [g for g in groups if g.is_new and g.members]
    ids = writes.insert_contacts(session, [_contact_row(g, source) for g in new])
    for group, cid in zip(new, ids, strict=True):
        group.contact_id = cid
    rows = [
        {"contact_id": g.contact_id, "kind": k, "value": v, "label": lab, "display": disp}
        for g in groups if g.members for (k, v), (lab, disp) in g.labels.items()
    ]
    claimed = writes.claim_identities(session, rows)
    lost = [g for g in new if any(pair not in claimed for pair in g.labels)]
    for group in groups:
        if group.is_new or not group.members:
            continue
        missing = [pair for pair in group.labels if pair not in claimed]
        _drop_unclaimed(group, missing)
    return lost


def _drop_unclaimed(group: Group, missing: list[tuple[str, str]]) -> None:
    # Another writer took these identities between our lookup and our insert.
    for pair in missing:
        label = f"{pair[0]}:{pair[1]}"
        added = group.changes.get("identities", {}).get("added", [])
        if label in added:
            added.remove(label)
        if not added:
            group.changes.pop("identities", None)


def _contact_row(group: Group, source: str) -> dict:
    state = group.state
    return {"name": state["name"], "name_source": state["name_source"],
            "company": state["company"], "notes": state["notes"], "created_source": source}


def _write_rest(session, groups, source, property_types, import_id) -> None:
    groups = [g for g in groups if g.members]
    now = utcnow()
    updates = [
        {"id": g.contact_id, "updated_at": now,
         **{k: g.state[k] for k in ("name", "name_source", "company", "notes") if k in g.changes}}
        for g in groups if not g.is_new and g.changes
    ]
    writes.update_contacts(session, updates)
    tag_names = {k: v for g in groups for k, v in g.tag_names.items()}
    tag_ids = writes.ensure_tags(session, tag_names.values())
    writes.link_tags(session, [(g.contact_id, tag_ids[k]) for g in groups for k in g.tag_names])
    _write_properties(session, groups, property_types)
    events = [
        {"contact_id": g.contact_id, "kind": "created" if g.is_new else "updated",
         "source": source, "changes": g.changes}
        for g in groups if g.is_new or g.changes
    ]
    writes.insert_events(session, events)
    if import_id is not None:
        writes.link_import_contacts(session, import_id, [g.contact_id for g in groups])


def _write_properties(session, groups, property_types) -> None:
    changed = {
        key for g in groups for key in g.changes.get("properties", {})
    }
    if not changed:
        return
    prop_ids = writes.ensure_properties(
        session, {key: property_types.get(key, "text") for key in changed}
    )
    rows = [
        {"contact_id": g.contact_id, "property_id": prop_ids[key], "value": change["new"]}
        for g in groups for key, change in g.changes.get("properties", {}).items()
    ]
    writes.upsert_property_values(session, rows)
