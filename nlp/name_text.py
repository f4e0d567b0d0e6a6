"""Tokens of an utterance and the stored, properly capitalised form of a name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nlp.name_words import PARTICLES

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_TOKEN = re.compile(
    r"(?P<word>[^\W\d_]+(?:['\-][^\W\d_]+)*'?)|(?P<num>\d[^\W_]*)|(?P<punct>[^\w\s])"
)
_SENTENCE_END = frozenset(".!?")
_FIRST_PERSON = frozenset({"i", "i'm", "i'd", "i'll", "i've"})


@dataclass(frozen=True)
class Token:
    """One word, number or punctuation mark with its character offsets."""

    text: str
    lower: str
    kind: str
    start: int
    end: int
    sent_start: bool

    @property
    def is_word(self) -> bool:
        return self.kind == "word"

    @property
    def is_title(self) -> bool:
        return self.text[:1].isupper()


@dataclass(frozen=True)
class Utterance:
    """Normalised text, its tokens, and whether the writer uses capital letters."""

    text: str
    tokens: tuple[Token, ...]
    cased: bool

    def lower(self, i: int) -> str:
        return self.tokens[i].lower if 0 <= i < len(self.tokens) else ""


def normalise(text: str) -> str:
    """NFC, straight apostrophes and single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    return " ".join(text.split())


def parse_utterance(text: str) -> Utterance:
    """Tokenise ``text`` and decide whether capitals carry information in it."""
    text = normalise(text)
    tokens: list[Token] = []
    sent_start = True
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        tok = m.group()
        tokens.append(Token(tok, tok.lower(), kind, m.start(), m.end(), sent_start))
        sent_start = kind == "punct" and tok in _SENTENCE_END
    cased = any(
        t.is_word and t.is_title and not t.sent_start and t.lower not in _FIRST_PERSON
        for t in tokens
    )
    return Utterance(text, tuple(tokens), cased)


def format_name(words: list[str]) -> str:
    """Join name words in their stored form: "robert mcdonald" -> "Robert McDonald".

    Words the writer capitalised themselves (mixed case) are kept as written;
    all-lower and all-upper words are capitalised, particles stay lower-case
    inside a name ("van der Berg").
    """
    out = []
    for i, word in enumerate(words):
        if not (word.islower() or word.isupper()):
            out.append(word)
        elif 0 < i < len(words) - 1 and word.lower() in PARTICLES:
            out.append(word.lower())
        else:
            out.append("-".join(_capitalise_part(p) for p in word.lower().split("-")))
    return " ".join(out)


def _capitalise_part(part: str) -> str:
    if "'" in part.strip("'"):
        # O'Brien, D'Angelo: capitalise each side of an inner apostrophe.
        return "'".join(p[:1].upper() + p[1:] for p in part.split("'"))
    if part.startswith("mc") and len(part) > 3:
        return "Mc" + part[2:3].upper() + part[3:]
    return part[:1].upper() + part[1:]


def strip_accents(word: str) -> str:
    """Lower-case ``word`` without diacritics, for comparing spellings."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
