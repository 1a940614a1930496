"""Notes -> ABC: one tune (ABC 2.1) that melodygen's reader and music21 read back as the same
notes, in its key (``K:``) with its notes spelt in it.

Lengths are in quarter notes; ABC writes them as multiples of the unit note length ``L:``.
"""

from __future__ import annotations

from fractions import Fraction

from ...core.keys import Key, key_alters, melody_key, spell
from ...core.note import Melody

_MODE_SUFFIXES = {"major": "", "minor": "m"}  # others: the mode's first three letters, 'Dmix'
_UNREAD_TONICS = ("B#", "Fb")  # tonics music21's K: does not know (so neither does read_tune)
_ACCIDENTALS = {-2: "__", -1: "_", 0: "=", 1: "^", 2: "^^"}


def abc_text(melody: Melody, key: Key | None = None, number: int = 1) -> str:
    """Melody -> one ABC tune (ABC 2.1) that ``read_tune`` and music21 read back as the same
    notes: X:, T:, M:, L:1/8 (1/16 when the tune has lengths shorter than a 16th that 1/8
    cannot write as n/2), Q:1/4=tempo, K: (``key``: a ``core.keys.Key``, else the melody's own
    key, else found in its notes; a mode as ABC names it: ``K:Dmix``, ``K:Ador``); notes spelt
    in the key with accidentals where the key and the bar so far do not give the pitch, lengths
    as multiples of L (``3/2``, ``2/3``), notes tied over bar lines, a pickup bar when the
    melody has one, four bars a line."""
    found = key or melody_key(melody)
    unit = _unit_length(melody)
    beats, beat_unit = melody.time_signature
    header = [f"X:{number}", f"T:{melody.title}", f"M:{beats}/{beat_unit}",
              f"L:1/{int(4 / unit)}", f"Q:1/4={melody.tempo:g}", f"K:{abc_key_name(found)}"]
    bars = _bars(melody, unit, found.fifths if found is not None else 0)
    lines = [" | ".join(bars[i:i + 4]) for i in range(0, len(bars), 4)]
    body = " |\n".join(lines) + " |]"
    return "\n".join(header + [body]) + "\n"


def abc_key_name(key: Key | None) -> str:
    """A key as ``K:`` writes it: G, F#m, Bb, Ebm, Dmix, Ador; C for no key. The two keys whose
    tonic music21 cannot name, B# locrian and Fb lydian, are written as the major key of their
    signature (C#, Cb)."""
    if key is None:
        return "C"
    if key.tonic_name in _UNREAD_TONICS:
        key = Key.from_fifths(key.fifths)
    return key.tonic_name + _MODE_SUFFIXES.get(key.mode, key.mode[:3])


def _unit_length(melody: Melody) -> Fraction:
    """L: in quarter notes: an eighth, or a sixteenth when a length needs it."""
    unit = Fraction(1, 2)
    if any(((note.duration / unit) * 4).denominator not in (1, 2, 4) and
           ((note.duration / unit) * 4).denominator % 3 for note in melody.notes):
        unit = Fraction(1, 4)
    return unit


def _bars(melody: Melody, unit: Fraction, fifths: int) -> list[str]:
    """The notes as ABC, a string a bar (the first one the pickup); a note that crosses a bar
    line is tied over it."""
    alters = key_alters(fifths)
    bars, words, shown = [], [], {}
    measure = melody.measure_length
    position = (measure - melody.pickup) % measure if melody.pickup else Fraction(0)
    for note in melody.notes:
        left = note.duration
        while left:
            take = min(left, measure - position)
            tied = note.pitch is not None and take < left
            word = _abc_note(note.pitch, take, unit, fifths, alters, shown)
            words.append(word + "-" if tied else word)
            position += take
            left -= take
            if position == measure:
                bars.append(" ".join(words))
                words, shown, position = [], {}, Fraction(0)
    if words:
        bars.append(" ".join(words))
    return bars


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
