"""The one write path: every source creates or updates contacts through upsert_contacts."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.errors import IdentityConflictError, ValidationError
from bot.matching import choose_contact, group_records, same_person
from bot.merge import combine_changes, empty_state, merge_record
from bot.records import NAME_RANK, ContactInput, PreparedContact, Problem, prepare_contact
from storage import writes
from storage.models import utcnow

OUTCOMES = ("created", "updated", "unchanged", "rejected")
_MAX_RACE_RETRIES = 5


@dataclass
class UpsertResult:
    """What happened to one input: outcome, the contact, changed fields, problems."""

    ref: object
    outcome: str
    contact_id: int | None = None
    changes: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """The problems and conflicts in one sentence, for a report or a reply."""
        parts = [str(p) for p in self.problems]
        parts += [
            f"{c['kind']} {c['value']} belongs to contact {c['contact_id']}"
            + (f" ({c['contact_name']})" if c.get("contact_name") else "")
            for c in self.conflicts
        ]
        return "; ".join(parts)


@dataclass
class _Group:
    members: list[tuple[int, PreparedContact]]
    contact_id: int | None = None
    state: dict = field(default_factory=empty_state)
    labels: dict = field(default_factory=dict)
    tag_names: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)
    is_new: bool = False
    fill_only: str | None = None  # why these records may only fill the contact's blanks

    @property
    def identities(self) -> list[tuple[str, str]]:
        return [pair for _, record in self.members for pair in record.identities]


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
    groups = [_Group([prepared[i] for i in group]) for group in members]
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


def _apply(session, groups, results, source, strict, property_types, import_id) -> list[_Group]:
    owners = writes.find_identity_owners(session, [p for g in groups for p in g.identities])
    targets = [r.contact_id for g in groups for _, r in g.members if r.contact_id is not None]
    states = writes.load_contact_states(session, [*owners.values(), *targets])
    live = [g for g in groups if _resolve(g, owners, states, results, strict)]
    if import_id is not None:
        # A contact an earlier chunk of this import wrote keeps what that row gave it: the
        # first row of a person wins across chunks as it does within one.
        earlier = writes.contacts_in_import(session, import_id,
                                            [g.contact_id for g in live if g.contact_id])
        for group in live:
            if group.contact_id in earlier:
                group.fill_only = "an earlier row of this file"
    for group in live:
        _merge_group(group, states, results)
    lost = _claim(session, live, source)
    if lost:
        writes.delete_contacts(session, [g.contact_id for g in lost])
        retry = [_Group(g.members) for g in lost]
        live = [g for g in live if g not in lost]
    else:
        retry = []
    _write_rest(session, live, source, property_types, import_id)
    for group in live:
        for index, _ in group.members:
            results[index].contact_id = group.contact_id
    return retry


def _resolve(group: _Group, owners: dict, states: dict, results: list, strict: bool) -> bool:
    """Give the group its existing contact (or none); False when it is rejected as a conflict."""
    found = sorted({(k, v, owners[(k, v)]) for k, v in group.identities if (k, v) in owners})
    targets = {r.contact_id for _, r in group.members if r.contact_id is not None}
    chosen, others = choose_contact(found)
    if targets:
        chosen = targets
        others = [item for item in found if item[2] not in targets]
    conflict = len(chosen) > 1 or (strict and others)
    if conflict:
        clashing = [item for item in found if item[2] in chosen or strict] or found
        _reject(group, clashing, states, results)
        return False
    group.contact_id = next(iter(chosen), None)
    if group.contact_id is not None and not targets and not _plausible(group, states):
        others = found  # a shared phone of somebody else: a new contact, the phone stays
        group.contact_id = None
    if group.contact_id is not None and not targets:
        state = states.get(group.contact_id) or {"identities": set()}
        own = {v for k, v in state["identities"] if k == "email"}
        if own and not own & {v for k, v in group.identities if k == "email"}:
            group.fill_only = "the contact this phone belongs to"
    for kind, value, cid in others:
        _drop(group, (kind, value), cid, states, results)
    return True


def _plausible(group: _Group, states: dict) -> bool:
    state = states.get(group.contact_id)
    if state is None:
        return True
    emails = {v for k, v in group.identities if k == "email"}
    if any(("email", e) in state["identities"] for e in emails):
        return True
    names = {r.name.casefold() for _, r in group.members if r.name}
    own = {v for k, v in state["identities"] if k == "email"}
    return same_person(own, {state["name"].casefold()} if state["name"] else set(), emails, names)


def _reject(group: _Group, found: list, states: dict, results: list) -> None:
    conflicts = [{"kind": k, "value": v, "contact_id": cid,
                  "contact_name": (states.get(cid) or {}).get("name")} for k, v, cid in found]
    for index, _ in group.members:
        results[index].outcome = "rejected"
        results[index].conflicts = conflicts


def _drop(group: _Group, pair: tuple[str, str], owner: int, states: dict, results: list) -> None:
    name = (states.get(owner) or {}).get("name")
    reason = f"belongs to contact {owner}" + (f" ({name})" if name else "") + "; not added"
    for index, record in group.members:
        if pair in record.identities:
            record.identities.remove(pair)
            results[index].problems.append(Problem(pair[0], pair[1], reason))


def _merge_group(group: _Group, states: dict, results: list) -> None:
    group.is_new = group.contact_id is None
    if not group.is_new:
        if group.contact_id not in states:
            for index, _ in group.members:
                results[index].outcome = "rejected"
                results[index].problems.append(
                    Problem("contact", str(group.contact_id), "does not exist")
                )
            group.members = []
            return
        group.state = copy.deepcopy(states[group.contact_id])
    for position, (index, record) in enumerate(group.members):
        if group.fill_only:
            _fill_blanks_only(group.state, record, results[index], group.fill_only)
        kept = group.state["name"]
        if position and record.name and kept and record.name != kept and \
                "name" in group.state.get("locked", ()):
            results[index].problems.append(Problem(
                "name", record.name, f"differs from {kept!r} given earlier for the same person; "
                                     "the first is kept"))
        if group.is_new and record.create_tags:
            record.tags = record.tags + record.create_tags
        changes = merge_record(group.state, record, group.labels, group.tag_names)
        combine_changes(group.changes, changes)
        result = results[index]
        result.changes = changes
        if group.is_new and position == 0:
            result.outcome = "created"
        else:
            result.outcome = "updated" if changes else "unchanged"


def _fill_blanks_only(state: dict, record: PreparedContact, result: UpsertResult,
                      whose: str) -> None:
    """Let a record only fill the contact's blanks (and never rename it at the same rank).

    Used when the match is uncertain (a shared phone of a contact with other emails) or the
    contact was written by an earlier row of the same import: two people on one line, or two
    rows of one person, would otherwise overwrite each other on every import.
    """
    current = state["name"]
    if record.name and current and record.name != current and \
            NAME_RANK[record.name_source] <= NAME_RANK.get(state["name_source"] or "", -1):
        result.problems.append(Problem(
            "name", record.name, f"differs from {current!r}, the name from {whose}; "
                                 "that name is kept"))
        record.name = None
    for column in ("company", "notes"):
        value = getattr(record, column)
        if value is not None and state[column] not in (None, value):
            setattr(record, column, None)
    record.properties = {k: v for k, v in record.properties.items()
                         if state["properties"].get(k) in (None, v)}


def _claim(session, groups: list[_Group], source: str) -> list[_Group]:
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


def _drop_unclaimed(group: _Group, missing: list[tuple[str, str]]) -> None:
    # Another writer took these identities between our lookup and our insert.
    for pair in missing:
        label = f"{pair[0]}:{pair[1]}"
        added = group.changes.get("identities", {}).get("added", [])
        if label in added:
            added.remove(label)
        if not added:
            group.changes.pop("identities", None)


def _contact_row(group: _Group, source: str) -> dict:
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
