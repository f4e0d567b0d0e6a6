"""What callers say after their name: spellings, self-corrections, first and last names."""

from __future__ import annotations

from rapidfuzz import fuzz

from nlp.name_span import collect_name, is_spelled_word
from nlp.name_text import Utterance, strip_accents
from nlp.name_words import CORRECTION_MARKERS

_SPELLING_LEADS = frozenset("that's thats spelled spelt spelling it's its is".split())
_COUNTS = frozenset("one two three double single a an".split())
_FIRST_NAME = (("first", "name"), ("first", "name", "is"), ("first", "name's"),
               ("given", "name"), ("given", "name", "is"))
_LAST_NAME = (("last", "name"), ("last", "name", "is"), ("last", "name's"),
              ("surname",), ("surname", "is"), ("family", "name"), ("family", "name", "is"))


def extend_name(utt: Utterance, words: list[str], pos: int) -> tuple[list[str], set[str]]:
    """Refine ``words`` (a name ending at token ``pos``) with what follows it.

    Handles letter-by-letter spellings ("Aoife, A O I F E, Kearney"), corrections
    ("Jon, sorry, John Miller"), restatements ("Allan, two Ls, Allan Pierce") and
    "first name ..." / "last name ..." pairs. Returns the words and notes on what applied.
    """
    notes: set[str] = set()
    for _ in range(8):
        q, letters, commented = _skip_spelling(utt, pos)
        if letters:
            words = _apply_letters(words, letters)
            notes.add("spelled")
        r = _skip_commas(utt, q)
        step = _corrected(utt, r) or _first_or_last(utt, r, words) or _restated(utt, r, words)
        if step is None and (letters or commented) and len(words) == 1:
            step = _surname_after_spelling(utt, r, words)
        if step is None:
            break
        words, pos, note = step
        notes.add(note)
    return words, notes


def _skip_commas(utt: Utterance, i: int) -> int:
    while i < len(utt.tokens) and utt.tokens[i].text in ",;:-\u2013\u2014":
        i += 1
    return i


def _skip_spelling(utt: Utterance, i: int) -> tuple[int, str, bool]:
    """Consume a spelling after a name; returns (position after it, letters, commented)."""
    letters, commented, end, j = "", False, i, _skip_commas(utt, i)
    n = len(utt.tokens)
    while j < n:
        low = utt.lower(j)
        if utt.tokens[j].kind == "word" and len(low) == 1:
            letters += low
            if utt.lower(j + 1) == "as" and utt.lower(j + 2) == "in":
                j += 3  # "F as in Frank"
            j += 1
        elif is_spelled_word(low):
            letters, j = letters + low.replace("-", ""), j + 1
        elif low in _SPELLING_LEADS and (letters or _starts_letters(utt, j + 1)):
            j += 1
            continue
        elif (skip := _spelling_comment(utt, j)) > j:
            commented, j = True, skip
        else:
            break
        end = j
        j = _skip_commas(utt, j)
    if len(letters) < 2:
        return (end if commented else i), "", commented
    return end, letters, commented


def _starts_letters(utt: Utterance, j: int) -> bool:
    low = utt.lower(j)
    return (len(low) == 1 and len(utt.lower(j + 1)) == 1) or is_spelled_word(low)


def _spelling_comment(utt: Utterance, j: int) -> int:
    """Skip "two Ls", "just one l", "with an h", "double n"; return ``j`` if none."""
    k = j + (utt.lower(j) in ("just", "only"))
    k += utt.lower(k) == "with"
    if utt.lower(k) not in _COUNTS:
        return j
    letter = utt.lower(k + 1)
    if len(letter) == 1 or (len(letter) == 2 and letter.endswith("s")):
        return k + 2
    return j


def _apply_letters(words: list[str], letters: str) -> list[str]:
    """The spelling wins over the heard word; a spelling of something new adds a word."""
    last = strip_accents(words[-1])
    if letters in (last, strip_accents("".join(words))):
        return words
    spelled = letters.capitalize()
    if fuzz.ratio(last, letters) >= 60:
        return [*words[:-1], spelled]
    return [*words, spelled]


def _match(utt: Utterance, i: int, phrases: tuple[tuple[str, ...], ...]) -> int | None:
    """End of the longest phrase starting at ``i``, or None."""
    best = None
    for phrase in phrases:
        if all(utt.lower(i + k) == w for k, w in enumerate(phrase)):
            best = max(best or 0, i + len(phrase))
    return best


def _corrected(utt: Utterance, r: int) -> tuple[list[str], int, str] | None:
    end = _match(utt, r, CORRECTION_MARKERS)
    if end is None:
        return None
    s, _, _ = _skip_spelling(utt, end)
    span = collect_name(utt, _skip_commas(utt, s), 3)
    if span is None:
        return None
    return [utt.tokens[k].text for k in range(*span)], span[1], "corrected"


def _first_or_last(utt: Utterance, r: int, words: list[str]) -> tuple[list[str], int, str] | None:
    k = r + (utt.lower(r) == "and")
    k += utt.lower(k) in ("my", "the")
    for phrases, first in ((_FIRST_NAME, True), (_LAST_NAME, False)):
        end = _match(utt, k, phrases)
        if end is None:
            continue
        span = collect_name(utt, _skip_commas(utt, end), 1)
        if span is None or len(words) != 1:
            return None
        word = utt.tokens[span[0]].text
        return ([word, *words] if first else [*words, word]), span[1], "first_last"
    return None


def _restated(utt: Utterance, r: int, words: list[str]) -> tuple[list[str], int, str] | None:
    span = collect_name(utt, r, 3)
    if span is None or span[1] - span[0] <= len(words):
        return None
    found = [utt.tokens[k].text for k in range(*span)]
    if strip_accents(found[0]) != strip_accents(words[0]):
        return None
    return found, span[1], "restated"


def _surname_after_spelling(
    utt: Utterance, r: int, words: list[str]
) -> tuple[list[str], int, str] | None:
    span = collect_name(utt, r, 1)
    if span is None:
        return None
    nxt = utt.tokens[span[1]] if span[1] < len(utt.tokens) else None
    if nxt is not None and nxt.kind != "punct" and len(nxt.lower) > 1:
        return None
    return [*words, utt.tokens[span[0]].text], span[1], "spelled"
