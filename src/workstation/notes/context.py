"""ConText: which trigger phrases reach which entity (negated, historical, family,
hypothetical, uncertain).

The algorithm of NegEx (Chapman et al., J Biomed Inform 2001;34:301-310) as generalised by
ConText (Harkema et al., J Biomed Inform 2009;42:839-851), written here because neither
medspacy nor negspacy is a dependency. It works on token positions only, so it is independent
of how the tokens were found:

* a trigger reaches forward, backward or both ways from itself;
* its scope stops at the edge of the clause (sentence end, ";", a line break), at a
  termination phrase ("but", "however", "presents with"), and after ``window`` words;
* a pseudo-trigger ("no increase", "not only", "gram negative") cancels every trigger it
  overlaps, and of overlapping triggers the longest wins ("no evidence of" over "no");
* a trigger that overlaps an entity is not a trigger there ("non" in "non-st elevation").

The window is the one tuning knob: ConText itself runs to the end of the sentence, NegEx stops
after five words; long lists ("denies fever, chills, cough or chest pain") need more than
five, run-on report sentences fewer than a whole sentence. Its value was chosen on negex-dev
reports 1-30 only (benchmarks/notes_negation.py): accuracy 0.977 at 5 words, 0.985 at 8 and
0.988 from 10 words up to the whole sentence, so the smallest window on that plateau.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workstation.notes.lexicon import Category, Direction, Trigger

#: Words (punctuation not counted) a trigger reaches; see the module docstring.
WINDOW_WORDS = 10

MODIFIERS = (
    Category.NEGATED,
    Category.HISTORICAL,
    Category.FAMILY,
    Category.HYPOTHETICAL,
    Category.UNCERTAIN,
)


@dataclass(frozen=True, slots=True)
class Found:
    """A trigger phrase found at tokens ``start:end``, as written (``text``)."""

    start: int
    end: int
    trigger: Trigger
    text: str


Span = tuple[int, int]  # token start (inclusive), end (exclusive)


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def usable_triggers(found: Sequence[Found], targets: Sequence[Span]) -> list[Found]:
    """Drop triggers cancelled by a pseudo-trigger, shorter triggers overlapped by longer ones,
    and triggers that overlap an entity; pseudo-triggers themselves are dropped at the end."""
    by_length = sorted(found, key=lambda f: (f.start - f.end, f.start))
    kept: list[Found] = []
    for candidate in by_length:
        span = (candidate.start, candidate.end)
        if any(_overlaps(span, (k.start, k.end)) for k in kept):
            continue
        if candidate.trigger.category is not Category.PSEUDO and any(
            _overlaps(span, target) for target in targets
        ):
            continue
        kept.append(candidate)
    kept = [k for k in kept if k.trigger.category is not Category.PSEUDO]
    return sorted(kept, key=lambda f: f.start)


def _forward_end(start: int, limit: int, words: Sequence[bool], window: int) -> int:
    """The end of a forward scope from ``start``: ``window`` words on, or ``limit``."""
    count = 0
    for i in range(start, limit):
        if words[i]:
            count += 1
            if count > window:
                return i
    return limit


def _backward_start(end: int, limit: int, words: Sequence[bool], window: int) -> int:
    count = 0
    for i in range(end - 1, limit - 1, -1):
        if words[i]:
            count += 1
            if count > window:
                return i + 1
    return limit


def modifiers_of(
    targets: Sequence[Span],
    found: Sequence[Found],
    segments: Sequence[Span],
    words: Sequence[bool],
    window: int = WINDOW_WORDS,
) -> list[dict[Category, str]]:
    """For each target, the categories whose triggers reach it, with the trigger text.

    ``segments`` are the clauses (token spans covering the text), ``words[i]`` says whether
    token i counts towards the window (not punctuation or space).
    """
    triggers = usable_triggers(found, targets)
    results: list[dict[Category, str]] = []
    for target in targets:
        segment = next((s for s in segments if s[0] <= target[0] < s[1]), (0, len(words)))
        inside = [t for t in triggers if segment[0] <= t.start and t.end <= segment[1]]
        stops = [t for t in inside if t.trigger.category is Category.TERMINATE]
        flags: dict[Category, str] = {}
        for t in inside:
            if t.trigger.category not in MODIFIERS or t.trigger.category in flags:
                continue
            if _reaches(t, target, segment, stops, words, window):
                flags[t.trigger.category] = t.text
        results.append(flags)
    return results


def _reaches(
    t: Found,
    target: Span,
    segment: Span,
    stops: Sequence[Found],
    words: Sequence[bool],
    window: int,
) -> bool:
    direction = t.trigger.direction
    if target[0] >= t.end and direction in (Direction.FORWARD, Direction.BOTH):
        limit = min([s.start for s in stops if s.start >= t.end] + [segment[1]])
        return target[0] < _forward_end(t.end, limit, words, window)
    if target[1] <= t.start and direction in (Direction.BACKWARD, Direction.BOTH):
        limit = max([s.end for s in stops if s.end <= t.start] + [segment[0]])
        return target[1] > _backward_start(t.start, limit, words, window)
    return False
