"""In-memory rules of the write path: merging a record into a contact without losing data."""

from __future__ import annotations

from bot.records import NAME_RANK, PreparedContact


def empty_state() -> dict:
    """The state of a contact that does not exist yet."""
    return {"name": None, "name_source": None, "company": None, "notes": None,
            "identities": set(), "tags": set(), "properties": {}}


def merge_record(state: dict, record: PreparedContact, labels: dict, tag_names: dict) -> dict:
    """Apply `record` to `state` in place under the no-data-loss rules; return the changes.

    Blanks never overwrite; a name from a weaker source never replaces a stronger one;
    identities, tags and properties only grow. Within one batch the first record that
    gives a field keeps it (state["locked"]), so a file's later duplicates only fill blanks
    and re-importing a file changes nothing. `labels` collects (kind, value) -> (label,
    display) of new identities; `tag_names` key -> name of new tags.
    """
    changes: dict = {}
    locked: set = state.setdefault("locked", set())
    if "name" not in locked:
        _merge_name(state, record, changes)
    for column in ("company", "notes"):
        value = getattr(record, column)
        if value is not None and column not in locked and value != state[column]:
            changes[column] = {"old": state[column], "new": value}
            state[column] = value
    added = [pair for pair in record.identities if pair not in state["identities"]]
    for pair in added:
        state["identities"].add(pair)
        label = record.phone_labels.get(pair[1]) if pair[0] == "phone" else None
        display = record.emails.get(pair[1]) if pair[0] == "email" else None
        labels[pair] = (label, display)
    if added:
        changes["identities"] = {"added": [f"{k}:{v}" for k, v in added]}
    new_tags = [t for t in record.tags if t.casefold() not in state["tags"]]
    for tag in new_tags:
        state["tags"].add(tag.casefold())
        tag_names.setdefault(tag.casefold(), tag)
    if new_tags:
        changes["tags"] = {"added": new_tags}
    props = {
        key: {"old": state["properties"].get(key), "new": value}
        for key, value in record.properties.items()
        if state["properties"].get(key) != value and ("prop", key) not in locked
    }
    locked.update(("prop", key) for key in record.properties)
    locked.update(c for c in ("name", "company", "notes") if getattr(record, c) is not None)
    if props:
        state["properties"].update({k: v["new"] for k, v in props.items()})
        changes["properties"] = props
    return changes


def _merge_name(state: dict, record: PreparedContact, changes: dict) -> None:
    if record.name is None:
        return
    current_rank = NAME_RANK.get(state["name_source"] or "", -1) if state["name"] else -1
    new_rank = NAME_RANK[record.name_source]
    if new_rank < current_rank:
        return
    if record.name == state["name"] and new_rank == current_rank:
        return
    if record.name != state["name"]:
        changes["name"] = {"old": state["name"], "new": record.name}
        state["name"] = record.name
    if record.name_source != state["name_source"]:
        changes["name_source"] = {"old": state["name_source"], "new": record.name_source}
        state["name_source"] = record.name_source


def combine_changes(total: dict, changes: dict) -> None:
    """Fold one record's changes into the changes of its contact for this batch."""
    for key, value in changes.items():
        if key in ("identities", "tags"):
            total.setdefault(key, {"added": []})["added"].extend(value["added"])
        elif key == "properties":
            for prop, change in value.items():
                old = total.get(key, {}).get(prop, change)["old"]
                total.setdefault(key, {})[prop] = {"old": old, "new": change["new"]}
        else:
            total[key] = {"old": total.get(key, value)["old"], "new": value["new"]}
