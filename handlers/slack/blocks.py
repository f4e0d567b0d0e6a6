"""Block Kit of the contact surfaces: help, contact lists, the Create contact modal, replies."""

from __future__ import annotations

CONTACT_MODAL = "contact_create"
NEW_CONTACT_ACTION = "contact_new"
TAGS_ACTION = "contact_tags"
VALUE = "value"
CONTACT_FIELDS = ("name", "phone", "email", "facebook", "instagram")
SHOWN_CONTACTS = 10
_ICONS = {"phone": "📞", "email": "✉️", "facebook": "Facebook", "instagram": "Instagram",
          "whatsapp": "WhatsApp", "chat": "Chat"}

HELP = (
    "*What I can do*\n"
    "• `new` — open the *Create contact* form\n"
    "• `add Jane Doe +44 20 7946 0958 jane@example.com tag vip` — create a contact right away\n"
    "• `find jane` · `find 020 7946 0958` · `find jane@example.com` · `find vip` — "
    "search by name, phone in any format, email or tag\n"
    "• `import` — import contacts from a CSV file (importers and admins): upload it here, "
    "check the mapping and the preview, name it, and I report the results\n"
    "• `imports` — recent imports with their status and counts\n"
    "• `grant @someone importer` (or `admin`, `agent`) · `revoke @someone` — admins only\n"
    "Type these in a DM with me, or after `/contacts` anywhere."
)


def escape(text: object) -> str:
    """Text safe inside mrkdwn: Slack reads &, < and > as markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}


def button(text: str, action_id: str, value: str = "", style: str | None = None,
           url: str | None = None) -> dict:
    element = {"type": "button", "text": {"type": "plain_text", "text": text},
               "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    if url:
        element["url"] = url
    return element


def actions(block_id: str, *elements: dict) -> dict:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def help_blocks() -> list[dict]:
    return [section(HELP)]


def contact_line(contact: dict) -> str:
    """One contact in mrkdwn: name, id, each channel, tags."""
    parts = [f"*{escape(contact.get('name') or 'No name')}* (#{contact['id']})"]
    for identity in contact.get("identities", []):
        label = f" {identity['label']}" if identity.get("label") else ""
        parts.append(f"{_ICONS.get(identity['kind'], identity['kind'])}{label} "
                     f"{escape(identity['value'])}")
    if contact.get("tags"):
        parts.append("🏷️ " + ", ".join(escape(t) for t in contact["tags"]))
    return " · ".join(parts)


def contact_list_blocks(result: dict, query: str) -> list[dict]:
    """Search results as a compact list, with how many more there are."""
    total, contacts = result["total"], result["contacts"][:SHOWN_CONTACTS]
    if not total:
        return [section(f"No contact matches *{escape(query)}*.")]
    noun = "contact matches" if total == 1 else "contacts match"
    blocks = [section(f"{total} {noun} *{escape(query)}*:")]
    blocks += [section(contact_line(c)) for c in contacts]
    if total > len(contacts):
        blocks.append(context(f"Showing {len(contacts)} of {total}; narrow the search to see "
                              "the others."))
    return blocks


def contact_created_blocks(contact: dict, link: str | None, outcome: str = "created") -> list[dict]:
    where = f"<{link}|Open contact #{contact['id']}>" if link else f"Contact #{contact['id']}"
    return [section(f"✅ Contact {outcome}: {contact_line(contact)}"), context(where)]


def new_contact_blocks() -> list[dict]:
    """In a DM there is no trigger to open a form with, so offer a button that has one."""
    return [section("Create a contact with the form:"),
            actions("contact_new", button("Create contact", NEW_CONTACT_ACTION, style="primary"))]


def problems_text(errors: dict[str, list[str]]) -> str:
    return "\n".join(f"• *{escape(field)}*: {escape('; '.join(reasons))}"
                     for field, reasons in errors.items())


def imports_blocks(imports: list[dict]) -> list[dict]:
    """Recent imports with status and counts."""
    if not imports:
        return [section("No imports yet. Type `import` to start one.")]
    lines = []
    for item in imports:
        counts = item["counts"]
        lines.append(
            f"*#{item['id']} {escape(item['name'] or item['filename'] or 'unnamed')}* — "
            f"{item['status']}, {item['progress']['done']:,}/{item['rows']:,} rows · "
            f"{counts['created']:,} created · {counts['updated']:,} updated · "
            f"{counts['unchanged']:,} unchanged · {counts['failed']:,} failed"
        )
    return [section("*Recent imports*"), section("\n".join(lines))]


def contact_modal(metadata: str = "") -> dict:
    """The Create contact modal; each field's block id is the contact field it fills."""
    labels = {"name": "Name", "phone": "Phone", "email": "Email",
              "facebook": "Facebook", "instagram": "Instagram"}
    hints = {"phone": "Any format; +44 … for numbers abroad", "facebook": "Profile name or URL",
             "instagram": "@handle"}
    blocks = [_text_input(key, labels[key], hints.get(key)) for key in CONTACT_FIELDS]
    blocks.append({
        "type": "input", "block_id": "tags", "optional": True,
        "label": {"type": "plain_text", "text": "Tags"},
        "hint": {"type": "plain_text", "text": "Pick existing tags or type a new one"},
        "element": {"type": "multi_external_select", "action_id": TAGS_ACTION,
                    "min_query_length": 0,
                    "placeholder": {"type": "plain_text", "text": "vip, expo …"}},
    })
    return {"type": "modal", "callback_id": CONTACT_MODAL, "private_metadata": metadata,
            "title": {"type": "plain_text", "text": "Create contact"},
            "submit": {"type": "plain_text", "text": "Create"},
            "close": {"type": "plain_text", "text": "Cancel"}, "blocks": blocks}


def _text_input(block_id: str, label: str, hint: str | None) -> dict:
    block = {"type": "input", "block_id": block_id, "optional": True,
             "label": {"type": "plain_text", "text": label},
             "element": {"type": "plain_text_input", "action_id": VALUE}}
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def tag_options(suggestions: list[tuple[str, bool]]) -> list[dict]:
    """Options of the tags picker; a typed tag that does not exist yet is marked new."""
    return [{"text": {"type": "plain_text", "text": (f"{name} (new tag)" if new else name)[:75]},
             "value": name[:150]} for name, new in suggestions]
