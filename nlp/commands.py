"""Parse staff commands typed to the Slack bot into an intent with fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Slack wraps links, emails and phones it recognises: <mailto:a@b.c|a@b.c>, <tel:+1..|+1..>.
_SLACK_LINK = re.compile(r"<(?:mailto:|tel:|https?://)([^>|]*)(?:\|([^>]*))?>")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|(?<![\w<])@([UW][A-Z0-9]{2,})\b")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+|\(\+?)?\d[\d\s().\-]{4,}\d(?!\w)")
_SOCIAL = re.compile(
    r"(?:https?://)?(?:www\.)?(?P<site>facebook|fb|instagram|ig)\.com/(?P<url_handle>[\w.\-]+)/?"
    r"|\b(?P<kw>facebook|fb|instagram|insta|ig)\b\s*[:=]?\s*@?(?P<handle>[\w.\-]+)",
    re.IGNORECASE,
)
_TAGS = re.compile(
    r"(?:,\s*|\s+and\s+|\s+)?\b(?:tag(?:ged|s)?|labels?)\b(?:\s+(?:them|it|all|as|with))*\s*[:=]?",
    re.IGNORECASE,
)
_IMPORT_LEAD = re.compile(
    r"^(?:(?:this|it|these|that|the\s+file|this\s+file)\s+)?(?:(?:as|called|named)\s+)?",
    re.IGNORECASE,
)
_POLITE = re.compile(r"^(?:please|pls|plz|can\s+you|could\s+you|would\s+you)\s+", re.IGNORECASE)
_MIN_PHONE_DIGITS = 6

HELP_WORDS = frozenset({"help", "?", "commands", "usage"})
SHOW_WORDS = frozenset({"show", "list"})


@dataclass(frozen=True)
class Command:
    """A parsed staff command: one of the intents below and its fields."""

    intent: str
    fields: dict[str, object] = field(default_factory=dict)


def parse_command(text: str) -> Command:
    """Parse free text from staff into a Command.

    Intents: "add" (name, phones, emails, tags; facebook, instagram when given),
    "find" (query), "import" (name, tags), "imports", "new", "help",
    "grant" (user_id, role), "revoke" (user_id); anything else is "not_understood"
    with the original text. Phones are returned as typed; normalising them is the
    write path's job.
    """
    cleaned = _unwrap_slack_links(text).strip()
    cleaned = _strip_leading_mentions(cleaned)
    cleaned = _POLITE.sub("", cleaned).strip()
    verb, _, rest = cleaned.partition(" ")
    verb, rest = verb.lower().rstrip(":,!."), rest.strip()
    parser = _PARSERS.get(verb)
    command = parser(rest) if parser else _parse_listing(verb, rest)
    return command or Command("not_understood", {"text": text})


def _unwrap_slack_links(text: str) -> str:
    return _SLACK_LINK.sub(lambda m: m.group(2) or m.group(1), text)


def _strip_leading_mentions(text: str) -> str:
    """Messages in channels start with a mention of the bot itself."""
    while (m := _MENTION.match(text)) and m.end() < len(text):
        text = text[m.end():].lstrip(" :,")
    return text


def _parse_listing(verb: str, rest: str) -> Command | None:
    words = [w.strip("?!.").lower() for w in rest.split()]
    if verb in HELP_WORDS and not words:
        return Command("help", {})
    if verb in SHOW_WORDS and len(words) == 1:
        verb, words = words[0], []
    if verb == "imports" and not words:
        return Command("imports", {})
    if verb == "new" and words in ([], ["contacts"]):
        return Command("new", {})
    return None


def _name_and_leftovers(rest: str) -> tuple[str | None, list[str], list[str]]:
    words, phones, emails, run = [], [], [], []
    for word in (w for w in re.split(r"[\s,;]+", rest) if w.strip("-:.")):
        if "@" in word:
            emails.append(word)
        elif any(ch.isdigit() for ch in word) or word.startswith("+"):
            run.append(word)
            continue
        else:
            words.append(word)
        if run:
            phones.append(" ".join(run))
            run = []
    if run:
        phones.append(" ".join(run))
    return " ".join(words) or None, phones, emails


def _parse_add(rest: str) -> Command | None:
    fields: dict[str, object] = {}
    for m in list(_SOCIAL.finditer(rest)):
        site = (m.group("site") or m.group("kw")).lower()
        key = "facebook" if site in ("facebook", "fb") else "instagram"
        fields.setdefault(key, m.group("url_handle") or m.group("handle"))
    rest = _SOCIAL.sub(" ", rest)
    emails = _EMAIL.findall(rest)
    rest = _EMAIL.sub(" ", rest)
    phones = [p.strip() for p in _PHONE.findall(rest) if _digits(p) >= _MIN_PHONE_DIGITS]
    for phone in phones:
        rest = rest.replace(phone, " ", 1)
    rest, tags = _split_tags(rest)
    name, odd_phones, odd_emails = _name_and_leftovers(rest)
    # A token with digits or an @ is never part of a name: it goes on as the phone or email
    # it tried to be, so the contact rules reject it with a reason instead of hiding it.
    phones += odd_phones
    emails += odd_emails
    if not (name or phones or emails):
        return None
    return Command("add", {"name": name, "phones": phones, "emails": emails, "tags": tags,
                           **fields})


def _parse_find(rest: str) -> Command | None:
    query = re.sub(r"^(?:up|for)\s+", "", rest, flags=re.IGNORECASE).strip(" ?")
    return Command("find", {"query": query}) if query else None


def _parse_import(rest: str) -> Command | None:
    rest, tags = _split_tags(rest)
    name = _IMPORT_LEAD.sub("", rest.strip()).strip(" ,.\"'") or None
    return Command("import", {"name": name, "tags": tags})


def _parse_grant(rest: str) -> Command | None:
    m = _MENTION.match(rest)
    if not m:
        return None
    role = re.sub(r"^(?:as|to|role)\s+", "", rest[m.end():].strip(), flags=re.IGNORECASE)
    if not re.fullmatch(r"[A-Za-z_-]+", role):
        return None
    return Command("grant", {"user_id": m.group(1) or m.group(2), "role": role.lower()})


def _parse_revoke(rest: str) -> Command | None:
    m = _MENTION.match(rest)
    if not m or rest[m.end():].strip():
        return None
    return Command("revoke", {"user_id": m.group(1) or m.group(2)})


def _split_tags(text: str) -> tuple[str, list[str]]:
    """Split "... tag vip, expo" into ("...", ["vip", "expo"])."""
    m = _TAGS.search(text)
    if not m:
        return text, []
    words = re.split(r"[\s,;]+|\band\b", text[m.end():])
    tags = [w.strip("#.\"'") for w in words if w.strip("#.\"'")]
    return text[: m.start()], list(dict.fromkeys(tags))


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


_PARSERS = {
    "add": _parse_add,
    "find": _parse_find,
    "search": _parse_find,
    "lookup": _parse_find,
    "look": _parse_find,
    "import": _parse_import,
    "grant": _parse_grant,
    "revoke": _parse_revoke,
}
