"""Rules that find where a speaker introduces themself and propose the name they give."""

from __future__ import annotations

from dataclasses import dataclass

from nlp.name_extend import extend_name
from nlp.name_span import (
    ID_WORDS,
    collect_name,
    ends_cleanly,
    is_clause_start,
    is_dash,
    looks_like_org,
    skip_fillers,
)
from nlp.name_text import Utterance
from nlp.name_words import SIGN_OFFS

STRONG, MEDIUM, WEAK = 3, 2, 1

# (words, method, strength). Strong cues say outright that a name follows;
# medium ones ("this is", "I'm") are as often followed by something else.
_CUES: tuple[tuple[tuple[str, ...], str, int], ...] = (
    (("my", "name", "is"), "my_name_is", STRONG),
    (("my", "name's"), "my_name_is", STRONG),
    (("my", "names"), "my_name_is", STRONG),
    (("my", "full", "name", "is"), "my_name_is", STRONG),
    (("the", "name's"), "the_name_is", STRONG),
    (("the", "name", "is"), "the_name_is", STRONG),
    (("under", "my", "name"), "under_my_name", STRONG),
    (("under", "the", "name"), "under_my_name", STRONG),
    (("my", "first", "name", "is"), "first_name", STRONG),
    (("first", "name", "is"), "first_name", STRONG),
    (("my", "last", "name", "is"), "last_name", STRONG),
    (("last", "name", "is"), "last_name", STRONG),
    (("my", "surname", "is"), "last_name", STRONG),
    (("this", "is"), "this_is", MEDIUM),
    (("it's",), "its", MEDIUM),
    (("its",), "its", MEDIUM),
    (("it", "is"), "its", MEDIUM),
    (("i'm",), "im", MEDIUM),
    (("im",), "im", MEDIUM),
    (("i", "am"), "im", MEDIUM),
    (("call", "me"), "call_me", MEDIUM),
)
_AFTER_NAME = {"here": "here", "speaking": "here", "calling": "here", "ringing": "here",
               "phoning": "here"}
# "I'm the homeowner, Bob Smith", "it's his wife, Linda": the role words are lower-case.
_POSSESSIVES = frozenset("her his their your".split())
_APPOSITIVE_DETERMINERS = {"i'm": _POSSESSIVES | {"the", "a", "an"}, "it's": _POSSESSIVES}


@dataclass(frozen=True)
class Candidate:
    """A proposed name: its words, token span, how it was found and how strongly."""

    words: tuple[str, ...]
    start: int
    end: int
    method: str
    strength: int
    notes: frozenset[str] = frozenset()


def find_candidates(utt: Utterance) -> list[Candidate]:
    """Every name the rules can read from ``utt``, in text order."""
    found: list[Candidate] = []
    for i in range(len(utt.tokens)):
        found.extend(_cue_candidates(utt, i))
        found.extend(_clause_candidates(utt, i))
        found.extend(_appositive_candidates(utt, i))
    found.extend(_signature_candidates(utt))
    return found


def _make(utt: Utterance, span: tuple[int, int], method: str, strength: int) -> Candidate:
    words = [utt.tokens[k].text for k in range(*span)]
    extended, notes = extend_name(utt, words, span[1])
    return Candidate(tuple(extended), span[0], span[1], method, strength, frozenset(notes))


def _cue_candidates(utt: Utterance, i: int) -> list[Candidate]:
    out = []
    for words, method, strength in _CUES:
        if not all(utt.lower(i + k) == w for k, w in enumerate(words)):
            continue
        j = skip_fillers(utt, i + len(words))
        j += strength == STRONG and utt.lower(j) in (",", ":")
        max_words = 4 if utt.cased else 3
        span = collect_name(utt, j, max_words, strict=strength < STRONG)
        if span is None or looks_like_org(utt, *span):
            continue
        if strength < STRONG and not ends_cleanly(utt, span[1]):
            continue
        out.append(_make(utt, span, method, strength))
    return out


def _clause_candidates(utt: Utterance, i: int) -> list[Candidate]:
    """"Jake here", "Karen Liu from Acme Logistics, ...", "Ask for Wesley."""
    if utt.lower(i) == "ask" and utt.lower(i + 1) == "for" and is_clause_start(utt, i, False):
        span = collect_name(utt, i + 2, 2)
        if span and ends_cleanly(utt, span[1]) and not looks_like_org(utt, *span):
            return [_make(utt, span, "ask_for", WEAK)]
        return []
    if not is_clause_start(utt, i, True):
        return []
    span = collect_name(utt, i, 3)
    if span is None or looks_like_org(utt, *span):
        return []
    nxt = utt.lower(span[1])
    if nxt in _AFTER_NAME and ends_cleanly(utt, span[1] + 1):
        return [_make(utt, span, _AFTER_NAME[nxt], MEDIUM)]
    if nxt in ("from", "at", "with") and utt.cased and _org_follows(utt, span[1] + 1):
        return [_make(utt, span, "from_org", MEDIUM)]
    return []


def _org_follows(utt: Utterance, i: int) -> bool:
    """A capitalised organisation name, then the end of the clause."""
    i += utt.lower(i) == "the"
    start = i
    while i < len(utt.tokens) and (
        (utt.tokens[i].is_word and utt.tokens[i].is_title) or utt.lower(i) in ("and", "&", "of")
    ):
        i += 1
    return i > start and utt.tokens[start].is_title and ends_cleanly(utt, i)


def _appositive_candidates(utt: Utterance, i: int) -> list[Candidate]:
    """"it's me, Elaine", "the account holder is me, Fred Lomax", "I'm her mother, Jo Moss"."""
    low = utt.lower(i)
    j = None
    if low == "me" and utt.lower(i - 1) in ("is", "it's", "its"):
        # Unpunctuated transcripts drop the comma: "it's me kevin".
        j = i + 2 if utt.lower(i + 1) == "," else None if utt.cased else i + 1
    elif utt.lower(i + 1) in _APPOSITIVE_DETERMINERS.get(_lead(utt, i), ()):
        k = i + 2
        while k < min(i + 4, len(utt.tokens)) and utt.tokens[k].text.islower():
            k += 1
        j = k + 1 if k > i + 2 and utt.lower(k) == "," else None
    if j is None:
        return []
    span = collect_name(utt, j, 3)
    if span is None or not ends_cleanly(utt, span[1]) or looks_like_org(utt, *span):
        return []
    return [_make(utt, span, "appositive", MEDIUM)]


def _lead(utt: Utterance, i: int) -> str:
    low = utt.lower(i)
    if low in ("i'm", "im") or (low == "am" and utt.lower(i - 1) == "i"):
        return "i'm"
    if low in ("it's", "its") or (low == "is" and utt.lower(i - 1) in ("it", "this")):
        return "it's"
    return ""


def _signature_candidates(utt: Utterance) -> list[Candidate]:
    """A name signed at the end ("... thanks! - Raymond Tully", "... tomorrow. Ellie")
    or opening a fragment that identifies the writer ("Erin Castillo, unit 7.")."""
    out = []
    toks = utt.tokens
    end = len(toks)
    while end > 0 and toks[end - 1].kind == "punct" and not is_dash(toks[end - 1].text):
        if toks[end - 1].text == "?":
            end = 0  # "... Karen?" asks for someone; it is not a signature
        end -= 1
    for start in range(max(1, end - 3), end):
        first = toks[start]
        if _closes_message(utt, start - 1) and first.is_title and not first.text.isupper():
            span = collect_name(utt, start, 3)
            if span and span[1] == end and not looks_like_org(utt, *span):
                out.append(_make(utt, span, "signature", WEAK))
                break
    for i, tok in enumerate(toks):
        if tok.sent_start and tok.is_word and utt.cased:
            span = collect_name(utt, i, 3)
            if span and span[1] - span[0] >= 2 and _id_follows(utt, span[1]):
                out.append(_make(utt, span, "fragment", WEAK))
    return out


def _closes_message(utt: Utterance, i: int) -> bool:
    """A sentence end, a dash, or a sign-off and comma ("Regards, ") just before a name."""
    text = utt.tokens[i].text
    if is_dash(text) or text in ".!?":
        return True
    return text == "," and utt.lower(i - 1) in SIGN_OFFS


def _id_follows(utt: Utterance, i: int) -> bool:
    if utt.lower(i) != "," or i + 1 >= len(utt.tokens):
        return False
    return utt.lower(i + 1) in ID_WORDS or utt.tokens[i + 1].kind == "num"

