"""Capture the name a caller or writer gives for themself, from voice transcripts, SMS or chat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nlp.model import configure, get_pipeline, load_model, model_status
from nlp.name_rules import MEDIUM, STRONG, Candidate, find_candidates
from nlp.name_text import Utterance, format_name, parse_utterance

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "NameCapture", "capture_name", "configure", "extract_caller_name", "load_model",
    "model_status",
]

CHANNELS = frozenset({"voice", "sms", "chat"})
# Entity types that mean "not a person" when the model tags a proposed name with them
# ("It's Christmas Eve", "I'm Canadian"). ORG and GPE are left out: the small model
# often tags real names that way ("Gavin Price", "Bethany").
_VETO_LABELS = frozenset({
    "DATE", "TIME", "NORP", "LANGUAGE", "EVENT", "CARDINAL", "ORDINAL", "MONEY",
    "PERCENT", "QUANTITY",
})
_BASE_CONFIDENCE = {STRONG: 0.95, MEDIUM: 0.85}
_WEAK_CONFIDENCE = 0.6
_MAX_TEXT = 2000


@dataclass(frozen=True)
class NameCapture:
    """A captured name in its stored form, how sure we are, and which rule found it."""

    name: str
    confidence: float
    method: str


def capture_name(text: str, channel: str = "voice") -> NameCapture | None:
    """Return the name the speaker gives for themself in ``text``, or None.

    ``channel`` is "voice" (speech transcript), "sms" or "chat"; it only affects the
    confidence (unpunctuated voice transcripts and signed-off voice text are less sure).
    Third parties ("calling for my mother Ruth Adams") and non-names after a cue
    ("this is urgent") give None. Raises ValueError for an unknown channel.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {sorted(CHANNELS)}")
    # Load on the first call whatever the text, so only that call pays for it.
    nlp = get_pipeline()
    utt = parse_utterance(text[:_MAX_TEXT])
    candidates = find_candidates(utt)
    if not candidates:
        return None
    doc = _entities_if_useful(nlp, utt, candidates)
    kept = [c for c in candidates if doc is None or not _vetoed(utt, doc, c)]
    if not kept:
        return None
    best = max(kept, key=lambda c: (c.strength, -c.start))
    return NameCapture(
        format_name(list(best.words)),
        _confidence(utt, doc, best, channel),
        _method(utt, doc, best),
    )


def extract_caller_name(text: str) -> str | None:
    """Return only the captured name (stored form) from ``text``, or None."""
    captured = capture_name(text)
    return captured.name if captured else None


def _entities_if_useful(
    nlp: Language | None, utt: Utterance, candidates: list[Candidate]
) -> Doc | None:
    """Run NER only when capitals carry meaning and a candidate relies on a weaker cue."""
    if nlp is None or not utt.cased or all(c.strength == STRONG for c in candidates):
        return None
    return nlp(utt.text)


def _char_span(utt: Utterance, c: Candidate) -> tuple[int, int]:
    return utt.tokens[c.start].start, utt.tokens[c.end - 1].end


def _labels_over(utt: Utterance, doc: Doc, c: Candidate) -> set[str]:
    start, end = _char_span(utt, c)
    return {e.label_ for e in doc.ents if e.start_char < end and start < e.end_char}


def _vetoed(utt: Utterance, doc: Doc, c: Candidate) -> bool:
    if c.strength == STRONG:
        return False
    labels = _labels_over(utt, doc, c)
    return "PERSON" not in labels and bool(labels & _VETO_LABELS)


def _confidence(utt: Utterance, doc: Doc | None, c: Candidate, channel: str) -> float:
    score = _BASE_CONFIDENCE.get(c.strength, _WEAK_CONFIDENCE)
    if not utt.cased:
        score -= 0.1
    if doc is not None and "PERSON" in _labels_over(utt, doc, c):
        score += 0.05
    if "corrected" in c.notes or "restated" in c.notes:
        score -= 0.05
    if channel == "voice" and c.method == "signature":
        score -= 0.1
    return round(min(max(score, 0.05), 0.99), 2)


def _method(utt: Utterance, doc: Doc | None, c: Candidate) -> str:
    parts = [c.method, *sorted(c.notes)]
    if doc is not None and "PERSON" in _labels_over(utt, doc, c):
        parts.append("ner")
    return "+".join(parts)
