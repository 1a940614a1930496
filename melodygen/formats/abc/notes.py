"""A note's or chord's token -> its pitch and length, as music21 reads them: the key signature
and the accidentals, octave marks, length numbers, broken rhythms and tuplets.

Pitches are MIDI numbers, lengths quarter notes (exact ``Fraction``s).
"""

from __future__ import annotations

import functools
import re
from fractions import Fraction

from ...core.note import STEPS, too_long
from .tokens import FIELD, NOTE, Text, Token, tokenize
from .tunebook import TuneText

_CHORD_SYMBOL = re.compile(r'"[^"]*"')
_PITCH_LETTER = re.compile(r"[a-gA-Gz]")
_LENGTH_CHARS = re.compile(r"[0-9/]+")
# a broken rhythm's marker -> the factors of the notes on its left and on its right
_BROKEN = {">": (Fraction(3, 2), Fraction(1, 2)), "<": (Fraction(1, 2), Fraction(3, 2)),
           ">>": (Fraction(7, 4), Fraction(1, 4)), "<<": (Fraction(1, 4), Fraction(7, 4)),
           ">>>": (Fraction(15, 8), Fraction(1, 8)), "<<<": (Fraction(1, 8), Fraction(15, 8))}
_TUPLET_NORMAL = {1: 1, 2: 3, 3: 2, 4: 3, 5: None, 6: 2, 7: None, 8: 3, 9: None}  # None: 2 or 3


def read_note(text: Text, token: Token, rules) -> None:
    """A note's pitch and length (music21's ABCNote.parse), into its token."""
    symbol, note = _without_chord_symbols(text, token)
    token.dropped = _drops_note(symbol, rules)
    token.pitch = _pitch(text, token, note, token.carried, token.key)
    try:
        length = _length(note, token.default, token.broken)
    except (ValueError, ZeroDivisionError):
        raise text.unsupported(token.pos, f"note length in {token.text!r}") from None
    if not token.grace:
        length = _apply_tuplet(text, token, length)
        if length <= 0:
            raise text.unsupported(token.pos, f"{token.text!r} has no length")
    if too_long(length):
        raise text.broken(token.pos, f"{token.text!r} {too_long(length)}")
    token.length = length


def read_chord(text: Text, token: Token, rules) -> None:
    """A chord: its highest note, the length of its first note times its own (music21's
    ABCChord.parse: ``[c2e]3`` is 6 default lengths); no notes: no chord (an empty ``[]``)."""
    symbol, chord = _without_chord_symbols(text, token)
    token.dropped = _drops_note(symbol, rules)
    close = chord.find("]")
    if close < 0:
        raise text.broken(token.pos, f"chord {token.text!r} has no closing bracket")
    try:
        outer = _length(chord[close + 1:], Fraction(1), token.broken)
    except (ValueError, ZeroDivisionError):
        raise text.unsupported(token.pos, f"chord length in {token.text!r}") from None
    pitches, first = _chord_notes(text, token, chord[1:close], rules)
    token.tones = len(pitches)
    token.pitch = max(pitches) if pitches else None
    token.length = _apply_tuplet(text, token, outer * first) if pitches else Fraction(0)
    if pitches and token.length <= 0:
        raise text.unsupported(token.pos, f"chord {token.text!r} has no length")
    if too_long(token.length):
        raise text.broken(token.pos, f"chord {token.text!r} {too_long(token.length)}")


def _chord_notes(text: Text, token: Token, inside: str, rules) -> tuple[list[int], Fraction]:
    """(the pitches of the notes inside a chord's brackets, the length of the first)."""
    inner = Text(TuneText(inside, 1, None, source=text.tune.source))
    pitches, first = [], Fraction(0)
    for sub in tokenize(inner, lambda directives: "not", rules):
        if sub.kind != NOTE:
            if sub.kind != FIELD:
                continue
            raise text.unsupported(token.pos, f"chord {token.text!r}")
        _, note = _without_chord_symbols(text, sub)
        pitch = _pitch(text, token, note, "", token.key)
        if pitch is None:
            continue
        try:
            length = _length(note, token.default, None)
        except (ValueError, ZeroDivisionError):
            raise text.unsupported(token.pos, f"note length in chord {token.text!r}") from None
        first = first or length
        pitches.append(pitch)
    return pitches, first


def tuplet_ratio(text: Text, token: Token, meter) -> tuple[int, int]:
    """``(p``, ``(p:q``, ``(p:q:r`` -> (p, q): p notes in the time of q (music21's table: (3 is
    3:2, (2 is 2:3; (5, (7 and (9 in the time of 3 in compound meters, of 2 otherwise)."""
    parts = token.text.split(":")
    actual = int(parts[0][1:])
    if actual not in _TUPLET_NORMAL:
        raise text.broken(token.pos, f"tuplet {token.text!r}: music21 reads (1 to (9 only")
    normal = _TUPLET_NORMAL[actual]
    if normal is None:
        normal = 3 if meter is not None and meter[0] % 3 == 0 and meter[0] > 3 else 2
    if len(parts) >= 2 and parts[1]:
        normal = int(parts[1])
    return actual, normal


def _apply_tuplet(text: Text, token: Token, length: Fraction) -> Fraction:
    if token.tuplet is None:
        return length
    if length <= 0 or length.denominator & (length.denominator - 1) or \
            not _single_value(length):
        raise text.unsupported(token.pos, f"a tuplet of a {length} quarter-note length "
                                          "(music21 fails on it)")
    actual, normal = token.tuplet
    return length * normal / actual


def _single_value(length: Fraction) -> bool:
    """Whether one written note value (with up to 3 dots... as music21 types it) has this length."""
    for dots in range(4):
        base = length / (2 - Fraction(1, 2 ** dots))
        if base.numerator == 1 or base.denominator == 1:
            value = base.numerator if base.denominator == 1 else base.denominator
            if value & (value - 1) == 0 and Fraction(1, 2 ** 10) <= base <= 16:
                return True
    return False


@functools.lru_cache(maxsize=4096)
def _length(text: str, default: Fraction, broken) -> Fraction:
    """A note's length text (after its letter: ``2``, ``/``, ``3/2``...) -> quarter notes, as
    music21 computes it (``3/`` is 3/2, ``1/2/`` is 1/2, ``a//b`` patterns give a quarter)."""
    number = "".join(_LENGTH_CHARS.findall(text))
    if not number:
        length = default
    elif number in ("/", "//", "///"):
        length = default / 2 ** len(number)
    elif number[0] == "/":
        length = default / int(number[1:].split("/")[0])
    elif number[-1] == "/":
        length = default * int(number.split("/")[0]) / 2
    elif number.count("/") == 2:
        length = Fraction(1)
    elif "/" in number:
        numerator, denominator = number.split("/")
        length = default * int(numerator) / int(denominator)
    else:
        length = default * int(number)
    if broken is not None:
        left, right = _BROKEN.get(broken[0], (1, 1))
        length *= left if broken[1] == "left" else right
    return length


class _Problem(Exception):
    """What is wrong with a note, before its place is known: ``unsupported`` or broken."""

    def __init__(self, message: str, unsupported: bool = True) -> None:
        super().__init__(message)
        self.unsupported = unsupported


def _pitch(text: Text, token: Token, note: str, carried: str, key: tuple) -> int | None:
    """A note's text (no chord symbol) -> MIDI pitch, None for a rest (music21's getPitchName);
    ``key``: the key signature's (step, alteration) pairs."""
    try:
        return _pitch_of(note, carried, key)
    except _Problem as problem:
        message = f"{token.text!r}: {problem}"
        raise (text.unsupported if problem.unsupported else text.broken)(token.pos, message) from None


@functools.lru_cache(maxsize=4096)
def _pitch_of(note: str, carried: str, key: tuple) -> int | None:
    if len(note) > 1 and note[0] in "uT":
        note = note[1:]
    note = note.replace("T", "")
    found = _PITCH_LETTER.search(note)
    if found is None:
        raise _Problem("no pitch letter (music21 reads C4)")
    name = found.group()
    if name == "z":
        return None
    written = note.count("_"), note.count("^"), note.count("=")
    if carried and any(written):
        raise _Problem("a carried and a written accidental (music21 reads C4)")
    flats, sharps, naturals = (carried.count("_"), carried.count("^"), carried.count("=")) \
        if carried else written
    if sum(1 for count in (flats, sharps, naturals) if count) > 1 or naturals > 1 \
            or flats > 3 or sharps > 3:
        raise _Problem("accidentals music21 does not read")
    step = name.upper()
    alter = sharps - flats if (flats or sharps or naturals) else dict(key).get(step, 0)
    octave = (5 if name.islower() else 4) - note.count(",") + note.count("'")
    pitch = 12 * (octave + 1) + STEPS[step] + alter
    if not 0 <= pitch <= 127:
        raise _Problem("outside the MIDI range 0..127", unsupported=False)
    return pitch


def _without_chord_symbols(text: Text, token: Token) -> tuple[str, str]:
    """(the first chord symbol's text or "", the token's text after its chord symbols)."""
    if '"' not in token.text:
        return "", token.text
    symbols = list(_CHORD_SYMBOL.finditer(token.text))
    if not symbols:
        raise text.unsupported(token.pos, "an unclosed quote")
    return symbols[0].group(), token.text[symbols[-1].end():]


def _drops_note(symbol: str, rules) -> bool:
    """music21 adds no note for a chord symbol whose text starts with ">" (translate.parseABCNote)."""
    if not symbol or "keep-quoted-accent" in rules:
        return False
    name = re.sub("[()]", "", symbol.replace('"', "").strip())
    return name.startswith(">")
