"""Which tokens can be part of a person's name, and where a spoken name starts and ends."""

from __future__ import annotations

from nlp.name_text import Utterance
from nlp.name_words import (
    COMMON_NON_NAME,
    DEMONYMS,
    FILLERS,
    GREETINGS,
    HARD_NON_NAME,
    HONORIFICS,
    NAME_FOLLOWERS,
    NON_NAME_WORDS,
    ORG_WORDS,
    PARTICLES,
    WEEKDAYS_MONTHS_HOLIDAYS,
)

# Endings of common English words that are rarely given names ("I'm calling", "it's
# ridiculous", "I'm actually..."); only consulted when capitals carry no information.
_COMMON_ENDINGS = (
    ("ing", 6), ("ed", 6), ("ous", 6), ("ful", 6), ("less", 6), ("able", 6), ("ible", 6),
    ("ive", 7), ("ally", 6), ("ely", 6), ("bly", 6), ("tly", 6), ("ness", 6), ("ment", 7),
)
# Possessives and contractions ("Frank's", "i'd", "you're") are never a name word.
_CONTRACTIONS = ("'s", "'d", "'ll", "'ve", "'re", "'m", "n't")
_DASHES = frozenset("-\u2013\u2014")
ID_WORDS = frozenset(
    "unit apt apartment flat room suite account acct order booking ref reference policy "
    "no number # house plot lot".split()
)


def is_spelled_word(word: str) -> bool:
    """True for letters spelled with hyphens, like "C-A-I-T-L-I-N"."""
    parts = word.split("-")
    return len(parts) > 1 and all(len(p) == 1 and p.isalpha() for p in parts)


def looks_common(lower: str) -> bool:
    """True if ``lower`` has the shape of an everyday English word rather than a name."""
    return any(lower.endswith(end) and len(lower) >= n for end, n in _COMMON_ENDINGS)


def is_name_token(utt: Utterance, i: int, first: bool, strict: bool = True) -> bool:
    """Whether token ``i`` can be a word of a person's name at this place.

    ``strict=False`` (after "my name is") trusts word shapes: "mohammed" is not "locked".
    """
    if not 0 <= i < len(utt.tokens):
        return False
    tok = utt.tokens[i]
    low = tok.lower
    if not tok.is_word or len(low) < 2 or low in HARD_NON_NAME or is_spelled_word(low):
        return False
    if low.endswith(_CONTRACTIONS) or low.endswith("'") or low in WEEKDAYS_MONTHS_HOLIDAYS:
        return False
    if low in DEMONYMS:
        return False
    if low in PARTICLES:
        # Surname particles only inside a name, and lower-case when the writer uses capitals.
        return not first and (tok.text.islower() or not utt.cased)
    if utt.cased:
        if not tok.is_title:
            return False
        if tok.sent_start or tok.text.isupper():
            # A capital the sentence forces says nothing; judge the word itself.
            return low not in NON_NAME_WORDS and not (strict and looks_common(low))
        return not (first and low in COMMON_NON_NAME)
    if first and not strict:
        # Right after "my name is", only clear non-names are refused ("will thompson").
        return low not in COMMON_NON_NAME
    return low not in NON_NAME_WORDS and not (strict and looks_common(low))


def skip_fillers(utt: Utterance, i: int) -> int:
    """Skip "um", "uh" and titles ("Dr.") before a name."""
    n = len(utt.tokens)
    while i < n:
        low = utt.lower(i)
        if low in FILLERS or low in HONORIFICS:
            i += 1
        elif utt.tokens[i].text == "." and utt.lower(i - 1) in HONORIFICS:
            i += 1
        else:
            break
    return i


def collect_name(
    utt: Utterance, i: int, max_words: int, strict: bool = True
) -> tuple[int, int] | None:
    """Longest run of name words starting at ``i`` (at most ``max_words`` non-particles)."""
    start = j = i
    core = 0
    while core < max_words and is_name_token(utt, j, j == start, strict):
        core += utt.lower(j) not in PARTICLES
        j += 1
    while j - 1 > start and utt.lower(j - 1) in PARTICLES:
        j -= 1
    return (start, j) if j > start else None


def ends_cleanly(utt: Utterance, end: int) -> bool:
    """Whether the words after a name fit an introduction ("..., calling about", "here")."""
    if end >= len(utt.tokens):
        return True
    tok = utt.tokens[end]
    if tok.kind == "punct":
        return tok.text not in "&'/@#"
    return tok.kind == "word" and tok.lower in NAME_FOLLOWERS


def looks_like_org(utt: Utterance, start: int, end: int) -> bool:
    """Whether the span reads as a business or place ("Acme Plumbing", "Martinez and Sons")."""
    if any(utt.lower(k) in ORG_WORDS for k in range(start, end)):
        return True
    nxt = utt.lower(end)
    if nxt == "&":
        return True
    if nxt in ("and", "of") and utt.cased and end + 1 < len(utt.tokens):
        after = utt.tokens[end + 1]
        return after.is_title and after.lower in ORG_WORDS
    return False


def is_clause_start(utt: Utterance, i: int, allow_greeting: bool) -> bool:
    """Whether token ``i`` opens a clause, optionally after greetings ("Hi, ...", "hey ...")."""
    j = i - 1
    if allow_greeting:
        while j >= 0 and (utt.lower(j) in GREETINGS or utt.lower(j) in FILLERS):
            j -= 1
    return j < 0 or (utt.tokens[j].kind == "punct" and utt.tokens[j].text not in "'&")


def is_dash(text: str) -> bool:
    """True for hyphen, en dash and em dash used as separators."""
    return text in _DASHES
