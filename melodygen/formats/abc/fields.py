"""The values of an ABC tune's fields: ``K:`` (the key, and the key signature music21 reads the
notes in), ``M:`` (the meter), ``L:`` (the unit note length), ``Q:`` (the tempo) and ``X:``.

Lengths are in quarter notes, tempos in quarter notes per minute.

Two readings of ``K:``. ``abc_key`` is the key the tune names, read by ``core.keys.Key.parse``
(melodygen's one key parser): what a ``Melody`` keeps and its scores are written in.
``key_alterations`` is the key signature music21 reads the notes in, with music21's own ways,
which the reader must keep to read the notes music21 reads:

- a tonic it does not know (``K:none``, ``K:H``) is C, and so is the bagpipe key ``HP``; ``Hp``
  is D (F and C sharp); any other capitalisation of ``hp`` is an error in music21;
- ``AB`` is A flat (a capital B taken for a flat);
- it knows the tonics C to B with a sharp or a flat as far as E#, C# and Cb; of B# and Fb it
  reads the letter alone (B and F major), and ``Es`` is E;
- it reads a mode by its prefix after the tonic, so ``K:D middle=d`` is D minor, and it knows
  no locrian: ``K:Bloc`` is B major (melodygen's rule "locrian" reads its signature, none);
- a clef (``bass``, ``-8va``) transposes the notes, which ``read_tune`` does not do;
- more than 7 sharps or flats (``K:E#``) is not read.

``abc_key`` gives None for ``none``, ``HP``, ``Hp``, ``AB`` and what names no key; words after the
tonic and mode (a clef, explicit accidentals) do not change the key it gives.
"""

from __future__ import annotations

import re
from fractions import Fraction

from ...core.errors import ConfigError
from ...core.keys import Key, key_alters, signature_of
from ...core.note import ACCIDENTALS

# music21's names of a tonic, tried longest first, case-insensitive (abcFormat's ABCMetadata)
_KEY_NAMES = sorted(["c", "g", "d", "a", "e", "b", "f#", "g#", "a#", "f", "bb", "eb", "d#", "ab",
                     "e#", "db", "c#", "gb", "cb", "hp"], key=len, reverse=True)
# music21's mode prefixes, in the order it tries them; a K: that starts with none of them is major
_MUSIC21_MODES = (("dor", "dorian"), ("phr", "phrygian"), ("lyd", "lydian"), ("mix", "mixolydian"),
                  ("maj", "major"), ("ion", "major"), ("aeo", "minor"), ("m", "minor"))
_BAGPIPE_FIFTHS = {"HP": 0, "Hp": 2}  # music21's bagpipe keys: C, and D


def abc_key(value: str | None) -> Key | None:
    """A ``K:`` value -> the key it names, spelt as written: 'G', 'Em', 'Dmix', 'Bb', 'F#m',
    'ADor', 'A dorian', 'Am clef=treble' (the words after the tonic and mode left out); None
    for none, a bagpipe key or what names no key (see the module)."""
    words = (value or "").split()
    for count in (2, 1):  # the mode may stand apart: 'A dorian'
        try:
            return Key.parse(" ".join(words[:count]))
        except ConfigError:
            continue
    return None


def key_alterations(value: str, locrian: bool = False) -> dict[str, int] | None:
    """A ``K:`` value -> step -> alteration of its key signature, as music21 reads it:
    ``'F'`` -> {'B': -1}, ``'Edor'`` -> {'F': 1, 'C': 1}, ``'Hp'`` -> {'F': 1, 'C': 1}; a name it
    does not know is C major. None for what ``read_tune`` does not read: a clef (music21
    transposes the tune for it) or more than 7 sharps or flats; ValueError where music21 fails.
    See the module for music21's ways; ``locrian`` reads a locrian mode as ABC means it."""
    lowered = value.lower()
    if "-8va" in lowered or "bass" in lowered:
        return None
    name, rest = "C", ""
    for target in _KEY_NAMES:
        if lowered[:len(target)] == target:
            name, rest = value[:len(target)], value[len(target):].strip().lower()
            break
    if name.lower() == "hp":
        if name not in _BAGPIPE_FIFTHS:
            raise ValueError(f"key {value!r} is not a key music21 reads")
        fifths = _BAGPIPE_FIFTHS[name]
    else:
        modes = _MUSIC21_MODES + ((("loc", "locrian"),) if locrian else ())
        mode = next((mode for prefix, mode in modes if rest.startswith(prefix)), "major")
        alter = ACCIDENTALS[name[1:].replace("B", "b")]  # "AB" is A flat
        fifths = signature_of(name[0].upper(), alter, mode)
    if not -7 <= fifths <= 7:
        return None
    return key_alters(fifths)


def meter(value: str) -> tuple[int, int] | None:
    """An ``M:`` value -> (beats, unit), None for "none"; music21's reading ("FREI4/4" is 4/4)."""
    if value.lower() == "none":
        return None
    if value == "C":
        return (4, 4)
    if value == "C|":
        return (2, 2)
    parts = value.split("/")
    digits = ["".join(char for char in part if char in "0123456789") for part in parts]
    if len(parts) != 2 or not all(digits):
        raise ValueError(f"meter {value!r} is not beats/unit, C, C| or none")
    if int(digits[1]) == 0:
        raise ValueError(f"meter {value!r}: a unit of 0 is no note value (beats/unit, as 6/8: "
                         "six eighth notes)")
    return int(digits[0]), int(digits[1])


def unit_length(value: str) -> Fraction:
    """An ``L:`` value -> the length of a note without a number, in quarter notes."""
    if "/" not in value:
        raise ValueError(f"note length {value!r} is not 1/n")
    numerator, _, denominator = value.partition("/")
    length = (int(numerator.strip()), 4 if denominator == "G" else int(denominator.strip()))
    if length[0] <= 0 or length[1] <= 0:
        raise ValueError(f"note length {value!r} is no length (1/n, as 1/8: an eighth note)")
    return Fraction(4 * length[0], length[1])


def tempo(value: str, rules) -> float | None:
    """A ``Q:`` value -> quarter notes per minute as music21 reads it (``1/4=120``, ``3/8=50``,
    ``90``, ``"Allegro" 1/4=120``); None when it gives no number. With the rule "tempo-spaces"
    a space is only a space; music21 counts each as one more whole note in the beat."""
    plain = re.sub(r'"[^"]*"?', "", value).strip() if '"' in value else value.strip()
    if not plain:
        return None
    if "=" in plain:
        lengths, number = plain.split("=")
        referent = 0.0
        for length in lengths.split() if "tempo-spaces" in rules else lengths.split(" "):
            numerator, denominator = length.split("/") if "/" in length else ("1", "1")
            if float(denominator) == 0:
                raise ValueError(f"tempo {value!r}: a beat of {length} is no note value (as "
                                 "1/4=120: 120 quarter notes a minute)")
            referent += float(numerator) / float(denominator) * 4
        return round(float(number) * referent, 2) if referent else None
    return round(float(plain), 2)


def is_number(value: str) -> bool:
    """Whether an ``X:`` value is a number to Python's int(), which is music21's reading."""
    try:
        int(value)
    except ValueError:
        return False
    return True
