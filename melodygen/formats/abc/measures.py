"""What music21's translate makes of a tune's tokens once they are cut into measures: the first
meter and tempo, the pickup, and a hint that a tune is broken (measures of the wrong length).

Lengths are in quarter notes.
"""

from __future__ import annotations

from fractions import Fraction

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
    count = len(tokens)
    handlers = []
    for x, y in _cuts(tokens):
        x_clip, y_clip = x, y
        if tokens[x].kind == BAR or (x != 0 and tokens[x].kind == FIELD):
            x_clip = x + 1
        last_note = tokens[y].kind in (NOTE, CHORD) and y == count - 1
        if tokens[y].kind == BAR or (tokens[y].kind != FIELD and not last_note):
            y_clip = y - 1
        part = tokens[x_clip:y_clip + 1]
        if part:
            handlers.append(part)
    has_notes = [_has_notes(part) for part in handlers]
    if sum(has_notes) <= 1:
        return [[t for part in handlers for t in part]]
    merged, i = [], 0
    while i < len(handlers):
        if not has_notes[i] and i != len(handlers) - 1:
            merged.append(handlers[i] + handlers[i + 1])
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
