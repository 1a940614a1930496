"""Notes -> ABC: one tune (ABC 2.1) that melodygen's reader and music21 read back as the same
notes, in its key (``K:``) with its notes spelt in it, and that ABC's own programs (abc2midi,
abcm2ps) read without an error or a warning; and a tunebook of several (``abc_tunebook``).

Lengths are in quarter notes; ABC writes them as multiples of the unit note length ``L:``. Notes
are written as notation writes them (``written.measures``): in note values that exist (never a
length of five eighths in one note: a half tied to an eighth), tuplets as ABC's ``(3``
(``(p:q:r`` when it is not the usual one), the notes of a beat together (beamed), a space
between beats, notes tied over bar lines.

A tune with a form (``core.form.Form``) is written in parts: ``P:A`` before each, a repeated
part between repeat signs ``|: ... :|``, each part on lines of its own. A part starts with its
pickup, so the bar before it is short by it, as jigs are written.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Sequence

from ...core.form import Form, cut
from ...core.keys import Key, key_alters, melody_key, spell
from ...core.note import Melody, beat
from ..written import NOTE_VALUES, beat_groups, beams, measures

_MODE_SUFFIXES = {"major": "", "minor": "m"}  # others: the mode's first three letters, 'Dmix'
_UNREAD_TONICS = ("B#", "Fb")  # tonics music21's K: does not know (so neither does read_tune)
_ACCIDENTALS = {-2: "__", -1: "_", 0: "=", 1: "^", 2: "^^"}
_VALUES = {name: value for value, name in NOTE_VALUES}  # MusicXML <type> -> quarter notes
BARS_A_LINE = 4
LINE_NOTES = 12  # notes and rests a line of abcm2ps needs to fill the page's width
_SYMBOLS = re.compile(r"[A-Ga-gz]")  # a note's or rest's letter


def abc_text(melody: Melody, key: Key | None = None, number: int = 1, *,
             form: Form | None = None, rhythm: str | None = None) -> str:
    """Melody -> one ABC tune (ABC 2.1) that ``read_tune`` and music21 read back as the same
    notes (with a ``form``: the notes as written, each part once): X:, T:, R: (``rhythm``, when
    given), M:, L: (ABC's own default for the meter: 1/16 below 3/4, else 1/8; shorter when a
    note needs it), Q: (in the meter's beat: ``3/8=110`` in 6/8), K: (``key``: a
    ``core.keys.Key``, else the melody's own key, else found in its notes; a mode as ABC names
    it: ``K:Dmix``, ``K:Ador``); notes spelt in the key with accidentals where the key and the
    bar so far do not give the pitch, written as the module says, a pickup bar when the melody
    has one, four bars a line."""
    found = key or melody_key(melody)
    unit = _unit_length(melody)
    beats, beat_unit = melody.time_signature
    header = [f"X:{number}", f"T:{melody.title}"] + ([f"R:{rhythm}"] if rhythm else []) + \
        [f"M:{beats}/{beat_unit}", f"L:1/{int(4 / unit)}", f"Q:{_tempo(melody)}",
         f"K:{abc_key_name(found)}"]
    fifths = found.fifths if found is not None else 0
    if form is None:
        lines = _lines(_bars(melody, unit, fifths), 1 if melody.pickup else 0)
        body, written = [" |\n".join(lines) + " |]"], lines
    else:
        body, written = [], []
        for index, part in enumerate(form.parts):
            part_melody = Melody(tuple(cut(melody.notes, part.start, part.end)), melody.title,
                                 melody.time_signature, melody.tempo, pickup=melody.pickup)
            lines = _lines(_bars(part_melody, unit, fifths), 1 if melody.pickup else 0)
            close = " :|" if part.repeat else (" |]" if index == len(form.parts) - 1 else " ||")
            body += [f"P:{part.label}",
                     ("|: " if part.repeat else "") + " |\n".join(lines) + close]
            written += lines
    if any(len(_SYMBOLS.findall(line)) < LINE_NOTES for line in written[:-1]):
        header.insert(-1, "%%stretchstaff 0")  # lines too sparse to fill the page: not stretched
    return "\n".join(header + body) + "\n"


def abc_tunebook(tunes: Sequence[str]) -> str:
    """ABC tunes (``abc_text``, each with its own X: number) -> one tunebook, a blank line
    between tunes."""
    return "\n".join(tunes)


def abc_key_name(key: Key | None) -> str:
    """A key as ``K:`` writes it: G, F#m, Bb, Ebm, Dmix, Ador; C for no key. The two keys whose
    tonic music21 cannot name, B# locrian and Fb lydian, are written as the major key of their
    signature (C#, Cb)."""
    if key is None:
        return "C"
    if key.tonic_name in _UNREAD_TONICS:
        key = Key.from_fifths(key.fifths)
    return key.tonic_name + _MODE_SUFFIXES.get(key.mode, key.mode[:3])


def _lines(bars: list[str], pickup: int = 0) -> list[str]:
    """Bars -> lines of ``BARS_A_LINE`` bars (and a pickup bar, ``pickup`` 1, on the first), or
    up to twice as many while a line holds fewer than ``LINE_NOTES`` notes and rests (abcm2ps
    cannot stretch a line of a few long notes across the page, and says so)."""
    lines, line, notes = [], [], 0
    for bar in bars:
        line.append(bar)
        notes += len(_SYMBOLS.findall(bar))
        counted = len(line) - (pickup if not lines else 0)
        if counted >= 2 * BARS_A_LINE or (counted >= BARS_A_LINE and notes >= LINE_NOTES):
            lines.append(" | ".join(line))
            line, notes = [], 0
    if line:
        lines.append(" | ".join(line))
    return lines


def _tempo(melody: Melody) -> str:
    """Q: in the meter's beat where that is a whole number (``3/8=110`` in 6/8), else in
    quarter notes (``1/4=120``)."""
    if beat(melody.time_signature) == Fraction(3, 2) and (melody.tempo * 2 / 3).is_integer():
        return f"3/8={melody.tempo * 2 / 3:g}"
    return f"1/4={melody.tempo:g}"


def _unit_length(melody: Melody) -> Fraction:
    """L: in quarter notes: ABC's default for the meter (1/16 below 3/4, else 1/8), halved while
    a written value is shorter than a sixteenth of it."""
    beats, beat_unit = melody.time_signature
    unit = Fraction(1, 4) if Fraction(beats, beat_unit) < Fraction(3, 4) else Fraction(1, 2)
    written = [_VALUES[item.value] for bar in measures(melody) for item in bar if item.value]
    while written and min(written) < unit / 16:
        unit /= 2
    return unit


def _bars(melody: Melody, unit: Fraction, fifths: int) -> list[str]:
    """The notes as ABC, a string a bar (the first one the pickup), written as the module says;
    the rest that ``measures`` adds to complete the last bar is left out (a tune with a pickup
    ends its last bar short)."""
    alters = key_alters(fifths)
    group_ends = beat_groups(melody.time_signature)
    out = []
    for bar in measures(melody):
        bar = [item for item in bar if item.position]  # not the rest that completes the bar
        if not bar:
            continue
        shown: dict[str, int] = {}
        words, word = [], ""
        runs = _tuplet_runs(bar)
        links = beams(bar, group_ends)
        for index, item in enumerate(bar):
            if index in runs:
                (actual, normal), count = runs[index]
                word += f"({actual}" if (normal, count) == (_usual(actual), actual) else \
                    f"({actual}:{normal}:{count}"
            word += _abc_note(item.pitch, _written(item), unit, fifths, alters, shown)
            if item.tie_start:
                word += "-"
            if not any(level == 1 and kind in ("begin", "continue")
                       for level, kind in links[index]):  # the beam ends: a space
                words.append(word)
                word = ""
        if word:
            words.append(word)
        out.append(" ".join(words))
    return out


def _written(item) -> Fraction:
    """An item's written length (a tuplet's note unscaled), quarter notes."""
    return _VALUES[item.value] * (2 - Fraction(1, 2 ** item.dots)) if item.value else item.length


def _usual(actual: int) -> int:
    """The q that ABC's ``(p`` means in a simple meter: 3 notes in the time of 2, 2 in the time
    of 3, 4 of 3, 5 of 2, 6 of 2, 7 of 2..."""
    return {2: 3, 3: 2, 4: 3, 6: 2, 8: 3}.get(actual, 2)


def _tuplet_runs(bar) -> dict[int, tuple[tuple[int, int], int]]:
    """The first item of each tuplet written as one ``(p:q:r``: the items of a bracket (to its
    end, or to the bar's end when the rest that completed the bar is left out), in runs of one
    written length (abc2midi plays a tuplet of unequal notes only with a warning) -> ((actual,
    normal), the items of the run)."""
    runs, start = {}, None
    for index, item in enumerate(bar):
        if "start" in item.bracket or (start is not None and (
                item.tuplet != bar[start].tuplet or _written(item) != _written(bar[start]))):
            start = index if item.tuplet else None
            if start is not None:
                runs[start] = (item.tuplet, 0)
        if start is not None:
            runs[start] = (runs[start][0], runs[start][1] + 1)
        if "stop" in item.bracket:
            start = None
    return runs


def _abc_note(pitch, length: Fraction, unit: Fraction, fifths: int, alters, shown) -> str:
    """One note or rest: pitch spelt in the key (an accidental when the key and the bar so far
    do not give it: ``shown``, letter -> alteration, is the bar so far), the length as a
    multiple of the unit."""
    multiple = length / unit
    suffix = "" if multiple == 1 else (str(multiple.numerator) if multiple.denominator == 1 else
                                       ("" if multiple.numerator == 1 else str(multiple.numerator))
                                       + "/" + str(multiple.denominator))
    if pitch is None:
        return "z" + suffix
    step, alter, octave = spell(pitch, fifths)
    accidental = ""
    if shown.get(step, alters.get(step, 0)) != alter:  # an accidental holds for its letter in
        accidental = _ACCIDENTALS[alter]                # every octave to the bar's end (ABC 2.1)
        shown[step] = alter
    letter = step if octave <= 4 else step.lower()
    marks = "," * (4 - octave) if octave < 4 else "'" * (octave - 5) if octave > 5 else ""
    return accidental + letter + marks + suffix
