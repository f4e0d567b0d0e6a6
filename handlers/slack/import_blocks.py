"""Block Kit of the import conversation: mapping, its modal, preview, naming, progress, results."""

from __future__ import annotations

from handlers.slack.blocks import actions, button, context, escape, section

MAPPING_MODAL = "import_mapping"
NAME_MODAL = "import_name"
CONFIRM_MAPPING = "import_confirm_mapping"
EDIT_MAPPING = "import_edit_mapping"
NAME_IMPORT = "import_name_open"
VIEW_CONTACTS = "import_view_contacts"
IMPORT_ANOTHER = "import_another"
CLOSE = "import_close"
TARGET = "target"
MAX_MODAL_COLUMNS = 98  # a modal holds 100 blocks; one is the explanation
PREVIEW_ROWS = 5
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_GROUPS = (("Contact fields", lambda v: not v.startswith(("property:", "new_property:", "skip"))),
           ("Custom properties", lambda v: v.startswith("property:")),
           ("New property", lambda v: v.startswith("new_property:")),
           ("Don't import", lambda v: v == "skip"))


def upload_prompt_blocks() -> list[dict]:
    return [section("*Import contacts* — upload the CSV file here in this DM (drag it in or use "
                    "the ＋ button). At most 10 MB; export spreadsheets as CSV first. I'll show "
                    "the columns I recognised before anything is imported.")]


def column_label(column: dict, label: str) -> str:
    samples = ", ".join(escape(s) for s in column["samples"] if s)[:80]
    return (f"• `{escape(column['header'])}` → *{escape(label)}*"
            + (f"  _({samples})_" if samples else ""))


def mapping_blocks(description: dict, labels: list[str]) -> list[dict]:
    """The detected format and the suggested target of every column, with Confirm / Edit."""
    delimiter = _DELIMITERS.get(description["delimiter"], description["delimiter"])
    blocks = [section(f"*{escape(description['filename'] or 'Your file')}* — "
                      f"{description['rows']:,} rows · {description['encoding']} · "
                      f"{delimiter}-separated\n*Suggested mapping:*")]
    lines = [column_label(c, lbl) for c, lbl in zip(description["columns"], labels, strict=True)]
    for start in range(0, len(lines), 20):
        blocks.append(section("\n".join(lines[start:start + 20])))
    if description["notes"]:
        blocks.append(context("\n".join(f"ℹ️ {escape(n)}" for n in description["notes"])))
    if description["mapping_errors"]:
        blocks.append(section("⚠️ *Before importing:*\n" + "\n".join(
            f"• {escape(e)}" for e in description["mapping_errors"])))
    value = str(description["id"])
    blocks.append(actions("import_mapping_actions",
                          button("Confirm mapping", CONFIRM_MAPPING, value, "primary"),
                          button("Edit mapping", EDIT_MAPPING, value)))
    return blocks[:50]


def mapping_modal(description: dict, choices: list[list[tuple[str, str]]], metadata: str) -> dict:
    """One select per column, pre-set to its current target."""
    blocks = [context("Choose where each column goes. A name column and a phone or email "
                      "column are required.")]
    pairs = list(zip(description["columns"], choices, strict=True))[:MAX_MODAL_COLUMNS]
    for position, (column, own) in enumerate(pairs):
        current = next(pair for pair in own if pair[0] == column["target"])
        blocks.append({
            "type": "input", "block_id": f"column_{position}",
            "label": {"type": "plain_text",
                      "text": column["header"][:2000] or f"Column {position + 1}"},
            "element": {"type": "static_select", "action_id": TARGET,
                        "initial_option": _option(*current),
                        "option_groups": _option_groups(own)},
        })
    return {"type": "modal", "callback_id": MAPPING_MODAL, "private_metadata": metadata,
            "title": {"type": "plain_text", "text": "Edit mapping"},
            "submit": {"type": "plain_text", "text": "Save mapping"},
            "close": {"type": "plain_text", "text": "Cancel"}, "blocks": blocks}


def _option(value: str, label: str) -> dict:
    return {"text": {"type": "plain_text", "text": label[:75]}, "value": value[:150]}


def _option_groups(choices: list[tuple[str, str]]) -> list[dict]:
    groups = []
    for title, belongs in _GROUPS:
        options = [_option(v, label) for v, label in choices if belongs(v)][:100]
        if options:
            groups.append({"label": {"type": "plain_text", "text": title}, "options": options})
    return groups


def preview_blocks(description: dict, preview: dict) -> list[dict]:
    """Sample rows as they will be stored, problems flagged, with Name your import / Edit."""
    blocks = [section(f"*Preview of {escape(description['filename'] or 'your file')}* — the first "
                      "rows as they will be stored:")]
    blocks += [section(_row_text(row)) for row in preview["rows"][:PREVIEW_ROWS]]
    failing = preview["failing_rows"]
    blocks.append(context(
        f"Of the first {preview['checked_rows']:,} rows, {failing:,} will fail; failed rows "
        "go into an error file with the reason." if failing else
        f"The first {preview['checked_rows']:,} rows all look importable."))
    value = str(description["id"])
    blocks.append(actions("import_preview_actions",
                          button("Name your import", NAME_IMPORT, value, "primary"),
                          button("Edit mapping", EDIT_MAPPING, value)))
    return blocks


def _row_text(row: dict) -> str:
    if row["will_fail"]:
        text = f"line {row['line']}: ❌ will fail — {escape(row['reason'] or 'invalid row')}"
    else:
        stored = row["stored"]
        parts = [f"*{escape(stored['name'] or 'No name')}*"]
        parts += [f"📞 {escape(p['number'])}" for p in stored["phones"]]
        parts += [f"✉️ {escape(e)}" for e in stored["emails"]]
        parts += [f"{k.capitalize()} {escape(stored[k])}" for k in ("facebook", "instagram")
                  if stored[k]]
        if stored["tags"]:
            parts.append("🏷️ " + ", ".join(escape(t) for t in stored["tags"]))
        parts += [f"{escape(k)}: {escape(v)}" for k, v in stored["properties"].items()]
        text = f"line {row['line']}: " + " · ".join(parts)
    flags = [f"\n  ⚠️ {escape(p['column'] or p['field'])}: {escape(p['value'] or '')} "
             f"{escape(p['reason'])}" for p in row["problems"]]
    return text + "".join(flags)


def name_modal(description: dict, metadata: str) -> dict:
    """The import's name and the disclosure checkbox."""
    stem = (description["filename"] or "").rsplit(".", 1)[0][:150]
    return {
        "type": "modal", "callback_id": NAME_MODAL, "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "Name your import"},
        "submit": {"type": "plain_text", "text": "Import"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "input", "block_id": "import_name", "optional": True,
             "label": {"type": "plain_text", "text": "Import name"},
             "hint": {"type": "plain_text", "text": "Find its contacts by this name later"},
             "element": {"type": "plain_text_input", "action_id": "value",
                         "initial_value": stem}},
            {"type": "input", "block_id": "disclosure", "optional": True,
             "label": {"type": "plain_text", "text": "Consent"},
             "element": {"type": "checkboxes", "action_id": "accept", "options": [{
                 "text": {"type": "mrkdwn", "text": "These contacts agreed to be contacted by "
                                                    "us, and I may import them."},
                 "value": "accepted"}]}},
        ],
    }


def progress_blocks(description: dict) -> list[dict]:
    done, total = description["progress"]["done"], description["progress"]["total"]
    share = done / total if total else 0.0
    bar = "▓" * round(share * 20) + "░" * (20 - round(share * 20))
    return [section(f"⏳ Importing *{escape(description['name'])}*: {done:,} of {total:,} rows "
                    f"({share:.0%})\n`{bar}`"),
            context(f"Import #{description['id']} is {description['status']}; this message "
                    "updates as it goes.")]


def results_blocks(description: dict) -> list[dict]:
    """Counts and the next steps; a failed import says why."""
    value = str(description["id"])
    if description["status"] != "done":
        return [section(f"❌ Import *{escape(description['name'])}* failed: "
                        f"{escape(description['error'] or 'unknown error')}"),
                actions("import_results", button("Import another", IMPORT_ANOTHER, value),
                        button("Close", CLOSE, value))]
    counts = description["counts"]
    blocks = [section(
        f"✅ Import *{escape(description['name'])}* finished: {description['rows']:,} rows — "
        f"{counts['created']:,} created · {counts['updated']:,} updated · "
        f"{counts['unchanged']:,} unchanged · {counts['failed']:,} failed")]
    if counts["failed"]:
        blocks.append(context("The rows that failed, each with its reason, are in the error "
                              "file in this thread."))
    blocks.append(actions("import_results",
                          button("View contacts", VIEW_CONTACTS, value, "primary"),
                          button("Import another", IMPORT_ANOTHER, value),
                          button("Close", CLOSE, value)))
    return blocks


def stalled_blocks(description: dict, minutes: int) -> list[dict]:
    return [section(f"⚠️ Import *{escape(description['name'])}* has made no progress for "
                    f"{minutes} minutes ({description['progress']['done']:,} of "
                    f"{description['progress']['total']:,} rows). Check that the workers run; "
                    "type `imports` to see its status.")]
