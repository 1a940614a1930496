"""What music21's translate makes of a tune's tokens once they are cut into measures: the first
meter and tempo, the pickup, a hint that a tune is broken (measures of the wrong length), and
each measure's repeat marks.

Lengths are in quarter notes.
"""

from __future__ import annotations

from fractions import Fraction

from ..repeats import Marks
from .tokens import BAR, CHORD, FIELD, NOTE, REGULAR_BARS, Text, Token


def layout(text: Text, tokens: list[Token]):
    """What music21's abcToStreamPart makes of the tune: (the first time signature or None, the
    first tempo or None, the pickup in quarter notes).

    With two regular bar lines music21 cuts the tune into measures (``measures``); each measure
    keeps the last meter of its fields, the first measure with notes is the anacrusis when it is
    shorter than its meter, and the fields that fall between the cuts are lost. Otherwise the
    part holds every field and has no pickup."""
    if not _has_measures(tokens):
        return _first_field(tokens, "M:"), _first_field(tokens, "Q:"), Fraction(0)
    handlers = measures(tokens)
    if len(handlers) == 1:
        return _first_field(handlers[0], "M:"), _first_field(handlers[0], "Q:"), Fraction(0)
    bars = []
    for part in handlers:
        if _has_notes(part):
            bars.append(part)
        else:  # fields outside the measures: music21 puts them in the part, out of order
            kept = next((t for t in part if t.kind == FIELD and t.value is not None), None)
            if kept is not None:
                raise text.unsupported(kept.pos, f"{kept.text!r} outside the measures")
    signatures = [_last_field(part, "M:") for part in bars]
    meter = next((signature for signature in signatures if signature is not None), None)
    tempo = next((value for part in bars if (value := _first_field(part, "Q:")) is not None), None)
    pickup = Fraction(0)
    if signatures[0] is not None:
        length = _sounding_length(bars[0])
        if 0 < length < Fraction(4 * signatures[0][0], signatures[0][1]):
            pickup = length
    return meter, tempo, pickup


def odd_measures(tokens: list[Token], meter) -> tuple[int, int]:
    """(measures between the first and the last whose notes do not last a whole number of
    measures of the meter, measures checked): a hint that a tune is broken, which music21 reads
    as far as it can. Two bars without a bar line between them are one measure here (Essen ends
    a line of bars without one), and a measure beside a repeat sign may be short (its other part
    is at the other side of the sign)."""
    if meter is None or not _has_measures(tokens):
        return 0, 0
    parts = [part for part in measures(tokens) if _has_notes(part)]
    wrong = checked = 0
    for index in range(1, len(parts) - 1):
        signature = _last_field(parts[index], "M:") or meter
        should = Fraction(4 * signature[0], signature[1])
        length = _sounding_length(parts[index])
        beside_repeat = any(t.kind == BAR and ":" in t.text
                            for part in parts[index - 1:index + 2] for t in part)
        checked += 1
        wrong += (length > should and length % should != 0) or (length < should and not beside_repeat)
    return wrong, checked


def measures(tokens: list[Token]) -> list[list[Token]]:
    """music21's splitByMeasure and mergeLeadingMetaData: the token lists of the measures (and of
    the fields between them), each field list joined to the measure after it."""
    return [part for part, _, _ in _handlers(tokens)]


def repeat_marks(tokens: list[Token]) -> list[tuple[list[Token], Marks]]:
    """The measures music21 makes of a tune (token lists with notes), each with the repeat marks
    music21 gives it (``repeats.Marks``): a start repeat at its left (``|:``), an end repeat at
    its right (``:|``), the volta bracket it is in. A bracket opened by ``[1`` runs to the
    measure that ends with ``:|``; one opened by ``[2`` is its measure (ABC does not say where a
    second ending ends; what follows it is played once either way). No measures (fewer than two
    regular bar lines): no list."""
    if not _has_measures(tokens):
        return []
    handlers = [handler for handler in _handlers(tokens) if _has_notes(handler[0])]
    if len(handlers) <= 1:
        return []
    endings: list[int] = [0] * len(handlers)  # the volta bracket number of each measure, 0: none
    opened = None  # (first measure, number) of a bracket not closed yet (translate.py's spanner)
    for place, (_, left, right) in enumerate(handlers):
        number = _BRACKETS.get(left.text) if left is not None else None
        if number is not None:
            if opened is None:
                opened = (place, number)
            else:  # a bracket mark while one is open joins it and closes it
                endings[opened[0]:place + 1] = [opened[1]] * (place + 1 - opened[0])
                opened, number = None, None
            if number == 2 and opened is not None:
                endings[place] = 2
                opened = None
        if right is not None and right.text == ":|" and opened is not None:
            endings[opened[0]:place + 1] = [opened[1]] * (place + 1 - opened[0])
            opened = None
    if opened is not None:
        endings[opened[0]] = opened[1]
    return [(part, Marks(left is not None and left.text == "|:",
                         2 if right is not None and right.text == ":|" else 0,
                         frozenset((endings[place],)) if endings[place] else frozenset()))
            for place, (part, left, right) in enumerate(handlers)]


_BRACKETS = {"[1": 1, "[2": 2}


def _handlers(tokens: list[Token]) -> list[tuple[list[Token], Token | None, Token | None]]:
    """music21's splitByMeasure and mergeLeadingMetaData: (the tokens, the bar line at the left,
    the bar line at the right) of each measure and of the fields between measures. A bar line is
    at the left of the measure after it but for an end repeat, at the right of the one before
    it but for a start repeat; a field list joined to the measure after it gives its bar lines
    to that measure's where it has none."""
    count = len(tokens)
    handlers = []
    for x, y in _cuts(tokens):
        x_clip, y_clip, left, right = x, y, None, None
        if tokens[x].kind == BAR:
            left = tokens[x] if tokens[x].text != ":|" else None
            x_clip = x + 1
        elif x != 0 and tokens[x].kind == FIELD:
            x_clip = x + 1
        last_note = tokens[y].kind in (NOTE, CHORD) and y == count - 1
        if tokens[y].kind == BAR:
            right = tokens[y] if tokens[y].text != "|:" else None
            y_clip = y - 1
        elif tokens[y].kind != FIELD and not last_note:
            y_clip = y - 1
        part = tokens[x_clip:y_clip + 1]
        if part:
            handlers.append((part, left, right))
    has_notes = [_has_notes(part) for part, _, _ in handlers]
    if sum(has_notes) <= 1:
        return [([t for part, _, _ in handlers for t in part], None, None)]
    merged, i = [], 0
    while i < len(handlers):
        if not has_notes[i] and i != len(handlers) - 1:
            (before, left, right), (after, next_left, next_right) = handlers[i], handlers[i + 1]
            merged.append((before + after, next_left or left, next_right or right))
            i += 2
        else:
            merged.append(handlers[i])
            i += 1
    return merged


def _cuts(tokens: list[Token]) -> list[tuple[int, int]]:
    """(start, end) token indices between music21's cuts: the bar lines, and the fields right
    before a note."""
    count = len(tokens)
    indices = [i for i, token in enumerate(tokens)
               if token.kind == BAR or (token.kind == FIELD and i + 1 < count
                                        and tokens[i + 1].kind in (NOTE, CHORD))]
    pairs, last = [(0, indices[0])], indices[0]
    for index in indices[1:]:
        if index != last + 1:
            pairs.append((last, index))
        last = index
    if last != count - 1:
        pairs.append((last, count - 1))
    return pairs


def _has_measures(tokens: list[Token]) -> bool:
    """Whether music21 cuts the tune into measures: two regular bar lines or more."""
    return sum(1 for token in tokens if token.kind == BAR and token.text in REGULAR_BARS) >= 2


def _has_notes(tokens: list[Token]) -> bool:
    return any(t.kind in (NOTE, CHORD) for t in tokens)


def _sounding_length(tokens: list[Token]) -> Fraction:
    """The length of the notes and chords that sound: no grace notes, nothing music21 drops."""
    return sum((t.length for t in tokens if t.kind in (NOTE, CHORD) and not t.dropped
                and not (t.kind == NOTE and t.grace)), Fraction(0))


def _first_field(tokens, tag: str):
    """The first meaning (``Token.value``) of a field ``tag`` ("M:", "Q:") among ``tokens``."""
    return next((t.value for t in tokens if t.kind == FIELD and t.value is not None
                 and t.text.startswith(tag)), None)


def _last_field(tokens, tag: str):
    return next((t.value for t in reversed(tokens) if t.kind == FIELD and t.value is not None
                 and t.text.startswith(tag)), None)
