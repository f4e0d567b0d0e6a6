"""How one write batch resolves: results, groups of records, matching them to existing
contacts, and merging each record into its contact's state without losing data."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from bot.matching import choose_contact, same_person
from bot.merge import combine_changes, empty_state, merge_record
from bot.records import NAME_RANK, PreparedContact, Problem


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
class Group:
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


def resolve(group: Group, owners: dict, states: dict, results: list, strict: bool) -> bool:
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


def _plausible(group: Group, states: dict) -> bool:
    state = states.get(group.contact_id)
    if state is None:
        return True
    emails = {v for k, v in group.identities if k == "email"}
    if any(("email", e) in state["identities"] for e in emails):
        return True
    names = {r.name.casefold() for _, r in group.members if r.name}
    own = {v for k, v in state["identities"] if k == "email"}
    return same_person(own, {state["name"].casefold()} if state["name"] else set(), emails, names)


def _reject(group: Group, found: list, states: dict, results: list) -> None:
    conflicts = [{"kind": k, "value": v, "contact_id": cid,
                  "contact_name": (states.get(cid) or {}).get("name")} for k, v, cid in found]
    for index, _ in group.members:
        results[index].outcome = "rejected"
        results[index].conflicts = conflicts


def _drop(group: Group, pair: tuple[str, str], owner: int, states: dict, results: list) -> None:
    name = (states.get(owner) or {}).get("name")
    reason = f"belongs to contact {owner}" + (f" ({name})" if name else "") + "; not added"
    for index, record in group.members:
        if pair in record.identities:
            record.identities.remove(pair)
            results[index].problems.append(Problem(pair[0], pair[1], reason))


def merge_group(group: Group, states: dict, results: list) -> None:
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
