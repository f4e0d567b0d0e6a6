"""Who is who: grouping a batch by identity and choosing the existing contact a group is.

The rules, in one place:
- An email is the strongest identity: records sharing an email are one person.
- Other identities (phone, WhatsApp, Facebook, Instagram, chat) join records or contacts only
  when they do not contradict each other: a record and a contact that both have emails, none
  in common, and different names are two people sharing a phone (an office line, a family
  number); the shared identity stays with the first and the other is told.
- Against the database, the highest-priority identity kind that is known picks the contact;
  two contacts behind that one kind is a conflict and the record is rejected; an identity of a
  lower kind that belongs to another contact is not moved, and the record is told.
"""

from __future__ import annotations

from bot.records import PreparedContact

# Matching priority: the first kind that resolves names the contact.
PRIORITY = ("email", "phone", "whatsapp", "facebook", "instagram", "chat")


def _emails(identities) -> set[str]:
    return {value for kind, value in identities if kind == "email"}


def same_person(emails_a: set[str], names_a: set[str], emails_b: set[str],
                names_b: set[str]) -> bool:
    """False when two sides sharing a weak identity are visibly two people: both have emails,
    none in common, and both have names, none in common (case-insensitively)."""
    if not emails_a or not emails_b or emails_a & emails_b:
        return True
    return not (names_a and names_b and not names_a & names_b)


class _Groups:
    """Union-find over batch records, keeping each group's emails and names at its root."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.emails: list[set[str]] = [set() for _ in range(size)]
        self.names: list[set[str]] = [set() for _ in range(size)]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> int:
        a, b = self.find(a), self.find(b)
        if a == b:
            return a
        keep, gone = min(a, b), max(a, b)
        self.parent[gone] = keep
        self.emails[keep] |= self.emails[gone]
        self.names[keep] |= self.names[gone]
        return keep


def group_records(records: list[PreparedContact]) -> tuple[list[list[int]], list[tuple]]:
    """Group a batch into people. Returns the groups (record indexes, in order) and the
    identities dropped from records: (record index, (kind, value), index of the holder)."""
    groups = _Groups(len(records))
    holder: dict[object, int] = {}
    dropped: list[tuple] = []
    for index, record in enumerate(records):
        groups.emails[index] = _emails(record.identities)
        groups.names[index] = {record.name.casefold()} if record.name else set()
        keys = sorted(record.identities, key=lambda pair: pair[0] != "email")
        if record.contact_id is not None:
            keys.append(("#contact", record.contact_id))
        for key in keys:
            first = holder.setdefault(key, index)
            root, mine = groups.find(first), groups.find(index)
            if root == mine:
                continue
            if key[0] in ("email", "#contact") or same_person(
                    groups.emails[root], groups.names[root], groups.emails[mine], groups.names[mine]):
                groups.union(root, index)
            else:
                dropped.append((index, key, first))
    for index, key, _ in dropped:
        records[index].identities.remove(key)
    members: dict[int, list[int]] = {}
    for index in range(len(records)):
        members.setdefault(groups.find(index), []).append(index)
    return list(members.values()), dropped


def choose_contact(found: list[tuple[str, str, int]]) -> tuple[set[int], list[tuple[str, str, int]]]:
    """From the (kind, value, contact id) of a group's known identities: the contact ids of the
    highest-priority kind known (one is a match, several a conflict) and the lower identities
    that point elsewhere."""
    for kind in PRIORITY:
        ids = {cid for k, _, cid in found if k == kind}
        if ids:
            chosen = ids
            break
    else:
        return set(), []
    others = [item for item in found if item[2] not in chosen]
    return chosen, others
