"""Entity extraction from a clinical note: spaCy's blank English tokenizer, phrase matching of
the term lists, and ConText for the flags.

A blank pipeline (``spacy.blank("en")`` plus the rule-based sentencizer) needs no model
download, so it runs on an air-gapped ward; the matchers compare lower-cased tokens, so "SOB",
"sob" and "Sob" are one term. The pipeline is built once per process, on first use: importing
spaCy takes seconds and building the matchers about one, while extracting a note then takes
a few milliseconds (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from workstation.notes.context import Found, Span, modifiers_of
from workstation.notes.entities import Entity, NoteEntities
from workstation.notes.lexicon import Category, Lexicon, Trigger, load_lexicon

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

#: Bump when the algorithm changes; the lexicon's digest is appended, so an edited term list
#: also makes stored entities stale (vault/note_entities.py re-extracts them).
ALGORITHM_VERSION = "context-1"

#: Tokens that end a clause besides a sentence end: ConText stops a scope there.
CLAUSE_BREAKS = {";"}


@dataclass(frozen=True)
class _Pipeline:
    nlp: Language
    terms: PhraseMatcher
    triggers: PhraseMatcher
    concepts: dict[int, tuple[str, str]]  # match id -> (label, concept)
    trigger_of: dict[int, Trigger]
    version: str


_build_lock = threading.Lock()


def _pipeline() -> _Pipeline:
    """The one pipeline of the process; a GUI warm-up thread and a worker may ask at once."""
    with _build_lock:
        return _build()


@cache
def _build() -> _Pipeline:
    import spacy  # urllib3's IPv6 probe inside it is switched off by workstation.offline
    from spacy.matcher import PhraseMatcher

    lexicon: Lexicon = load_lexicon()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    terms = PhraseMatcher(nlp.vocab, attr="LOWER")
    concepts: dict[int, tuple[str, str]] = {}
    grouped: dict[str, list[str]] = {}
    for term in lexicon.terms:
        grouped.setdefault(f"{term.label}|{term.concept}", []).append(term.phrase)
    for key, phrases in grouped.items():
        terms.add(key, list(nlp.tokenizer.pipe(phrases)))
        label, concept = key.split("|", 1)
        concepts[nlp.vocab.strings[key]] = (label, concept)
    triggers = PhraseMatcher(nlp.vocab, attr="LOWER")
    trigger_of: dict[int, Trigger] = {}
    for trigger in lexicon.triggers:
        key = f"{trigger.category}|{trigger.phrase}"
        triggers.add(key, [nlp.make_doc(trigger.phrase)])
        trigger_of[nlp.vocab.strings[key]] = trigger
    version = f"{ALGORITHM_VERSION}+lexicon:{lexicon.digest[:12]}"
    return _Pipeline(nlp, terms, triggers, concepts, trigger_of, version)


def is_built() -> bool:
    """Whether the pipeline exists, i.e. using it now costs milliseconds, not seconds."""
    return _build.cache_info().currsize > 0


def extractor_version() -> str:
    """Names the algorithm and the exact term lists, stored beside every extraction."""
    return _pipeline().version


def _segments(doc: Doc) -> list[Span]:
    """Clauses: sentences, cut again at ";" and at line breaks."""
    segments: list[Span] = []
    for sentence in doc.sents:
        start = sentence.start
        for token in sentence:
            if token.text in CLAUSE_BREAKS or "\n" in token.text:
                segments.append((start, token.i + 1))
                start = token.i + 1
        if start < sentence.end:
            segments.append((start, sentence.end))
    return segments


def _context(doc: Doc, targets: list[Span]) -> list[dict[Category, str]]:
    pipeline = _pipeline()
    found = [
        Found(start, end, pipeline.trigger_of[key], doc[start:end].text)
        for key, start, end in pipeline.triggers(doc)
    ]
    words = [not (t.is_punct or t.is_space) for t in doc]
    return modifiers_of(targets, found, _segments(doc), words)


def _entity(doc: Doc, span: Span, label: str, concept: str, flags: dict) -> Entity:
    chars = doc[span[0] : span[1]]
    return Entity(
        text=chars.text,
        label=label,
        start=chars.start_char,
        end=chars.end_char,
        negated=Category.NEGATED in flags,
        historical=Category.HISTORICAL in flags,
        family=Category.FAMILY in flags,
        hypothetical=Category.HYPOTHETICAL in flags,
        uncertain=Category.UNCERTAIN in flags,
        trigger="; ".join(flags.values()),
        concept=concept,
    )


def extract(text: str) -> NoteEntities:
    """Every symptom, condition and medication named in ``text``, with its ConText flags.

    Of overlapping matches the longest wins ("chest pain" over "pain").
    """
    pipeline = _pipeline()  # first: it imports spaCy without a socket
    from spacy.util import filter_spans

    doc = pipeline.nlp(text)
    matches = pipeline.terms(doc, as_spans=True)
    spans = sorted(filter_spans(matches), key=lambda s: s.start)
    targets = [(s.start, s.end) for s in spans]
    flags = _context(doc, targets)
    entities = tuple(
        _entity(doc, target, *pipeline.concepts[span.label], flag)
        for span, target, flag in zip(spans, targets, flags, strict=True)
    )
    return NoteEntities(entities, pipeline.version)


def context_of_span(text: str, start: int, end: int) -> dict[Category, str]:
    """The ConText flags of characters ``start:end`` of ``text``, a mention found by someone
    else (the negex-dev evaluation gives the concept; it is judged, not found)."""
    doc = _pipeline().nlp(text)
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        raise ValueError(f"characters {start}:{end} are not inside the text")
    return _context(doc, [(span.start, span.end)])[0]
