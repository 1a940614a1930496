"""Keys: the seven modes (major and minor among them), key signatures, the key of a melody, and
a pitch spelt in a key.

Pitch classes are 0..11 with 0 = C; a key signature is counted in fifths (sharps 1..7, flats
-1..-7). A key keeps its signature, and so the spelling of its tonic: ``Key.parse("Bb")`` is
"Bb major" with two flats, ``Key.parse("Ebm")`` "Eb minor" with six flats and
``Key.parse("D#m")`` "D# minor" with six sharps. ``Key.parse`` is melodygen's one reader of key
names (the command line's ``--key``, a song file's ``key:``, MIDI's and ABC's keys).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ConfigError
from .note import ACCIDENTALS, PITCH_CLASS_NAMES, STEPS, Melody

# Krumhansl & Kessler (1982) probe-tone ratings of the 12 pitch classes, tonic first: the
# profiles of the Krumhansl-Schmuckler key finder (music21's KrumhanslSchmuckler uses the same).
MAJOR_PROFILE = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
MINOR_PROFILE = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
PROFILES = {"major": MAJOR_PROFILE, "minor": MINOR_PROFILE}

# The seven modes: each is the major scale of its key signature played from another degree.
# The number is how many fifths its signature lies from the major key's on the same tonic
# (D dorian has two sharps fewer than D major: none). Major is ionian, minor (natural) aeolian.
MODES = {"major": 0, "dorian": -2, "phrygian": -4, "lydian": 1, "mixolydian": -1, "minor": -3,
         "locrian": -5}
MODE_NAMES = {"ionian": "major", "aeolian": "minor", **{mode: mode for mode in MODES}}
MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
# mode -> its scale in semitones above the tonic (minor: 0 2 3 5 7 8 10, the natural minor)
SCALE_STEPS = {mode: tuple(sorted((step + fifths * 7) % 12 for step in MAJOR_STEPS))
               for mode, fifths in MODES.items()}
_LINE = "FCGDAEB"  # the line of fifths: the order sharps enter a key signature (flats: reversed)
_NAME = re.compile(r"\s*([A-Ga-g])([#b]?)\s*([A-Za-z]*)\s*")  # a tonic, then a mode word


def mode_name(word: str) -> str | None:
    """A mode as key names write it -> one of ``MODES``, None for no mode: '' and 'maj' ->
    'major', 'm', 'min' and 'Aeolian' -> 'minor', 'Dor', 'mixolydian' -> ... As ABC 2.1 reads
    them (3.1.14): any case, and the first three letters decide."""
    word = word.lower()
    if word in ("", "m"):
        return "major" if not word else "minor"
    if len(word) < 3:
        return None
    return next((MODE_NAMES[name] for name in MODE_NAMES if name[:3] == word[:3]), None)


def signature_of(step: str, alter: int, mode: str = "major") -> int:
    """The key signature, in fifths, of the key on a spelt tonic, uncapped: ('B', -1) -> -2
    (Bb major), ('E', 0, 'dorian') -> 2, ('E', -1, 'minor') -> -6, ('G', 1) -> 8 (G# major:
    more than a signature holds)."""
    return _LINE.index(step) - 1 + 7 * alter + MODES[mode]


def _spelt(position: int) -> str:
    """A place on the line of fifths (C 0, G 1, F -1) -> its name: 'Bb' for -2, 'F#' for 6."""
    return _LINE[(position + 1) % 7] + {-1: "b", 0: "", 1: "#"}[(position + 1) // 7]


@dataclass(frozen=True)
class Key:
    """A key: a tonic, a mode and the key signature it is written with.

    tonic:  pitch class 0..11, 0 = C.
    mode:   one of ``MODES``: "major", "minor", "dorian", "phrygian", "lydian", "mixolydian",
            "locrian" ("ionian" and "aeolian" are kept as "major" and "minor").
    fifths: the key signature, sharps 1..7 or flats -1..-7; it spells the tonic (Bb or A#).
            Left out, the usual one: flats up to five, F# major and D# minor with six sharps
            (``Key(10, "major")`` is Bb major, ``Key(3, "minor")`` D# minor).

    Keys of the same tonic and mode written with other signatures (D# minor, Eb minor) are
    different keys: they are written differently.
    """

    tonic: int
    mode: str
    fifths: int | None = None  # None: the usual signature, set on creation

    def __post_init__(self) -> None:
        mode = MODE_NAMES.get(self.mode) if isinstance(self.mode, str) else None
        if not (isinstance(self.tonic, int) and 0 <= self.tonic <= 11) or mode is None:
            raise ConfigError(f"a key is a pitch class 0..11 and a mode ({', '.join(MODES)}), "
                              f"got {self.tonic!r} {self.mode!r}")
        object.__setattr__(self, "mode", mode)
        if self.fifths is None:
            object.__setattr__(self, "fifths", (self.tonic * 7 + MODES[mode] + 5) % 12 - 5)
        elif not (isinstance(self.fifths, int) and -7 <= self.fifths <= 7
                  and (self.fifths - MODES[mode]) * 7 % 12 == self.tonic):
            raise ConfigError(f"{PITCH_CLASS_NAMES[self.tonic]} {mode} has no key signature of "
                              f"{self.fifths!r} fifths (signatures are -7..7 fifths)")

    @classmethod
    def from_fifths(cls, fifths: int, mode: str = "major") -> Key:
        """The key of a signature: 2 sharps major -> D major, -3 minor -> C minor, -6 minor ->
        Eb minor, 0 dorian -> D dorian."""
        if mode not in MODE_NAMES:
            raise ConfigError(f"unknown mode {mode!r} (the modes: {', '.join(MODES)})")
        return cls((fifths - MODES[MODE_NAMES[mode]]) * 7 % 12, mode, fifths)

    @classmethod
    def parse(cls, text: str) -> Key:
        """A key's name -> Key, spelt as it is written: 'G', 'Em', 'Bb', 'F#m', 'Ebmaj',
        'G major', 'f# minor', 'Dmix', 'ADor', 'A dorian', 'E Phr'. A mode is any case, its
        first three letters are enough and 'm' is minor (as in ABC); no mode is major. A name
        whose signature would need more than 7 sharps or flats is the same key written the
        usual way ('G#' -> Ab major, 'Fb' -> E major). Anything else is a ``ConfigError``
        naming it."""
        found = _NAME.fullmatch(text) if isinstance(text, str) else None
        mode = mode_name(found.group(3)) if found else None
        if mode is None:
            raise ConfigError(f"not a key: {text!r} (write a tonic and a mode: G, Em, Bb major, "
                              "F# minor, D dorian, Amix)")
        step, alter = found.group(1).upper(), ACCIDENTALS[found.group(2)]
        fifths = signature_of(step, alter, mode)
        return cls((STEPS[step] + alter) % 12, mode, fifths if -7 <= fifths <= 7 else None)

    @property
    def scale(self) -> frozenset[int]:
        """Its seven pitch classes."""
        return frozenset((self.tonic + step) % 12 for step in SCALE_STEPS[self.mode])

    @property
    def tonic_name(self) -> str:
        """The tonic as the key signature spells it: 'Bb', 'F#', 'Eb' (of Eb minor), 'D#'."""
        return _spelt(self.fifths - MODES[self.mode])

    def __str__(self) -> str:
        return f"{self.tonic_name} {self.mode}"


def song_key(melody: Melody) -> Key | None:
    """The key whose scale holds the most of the song's sounding time; among keys that hold the
    same amount, the one whose Krumhansl-Kessler profile correlates best with the song's
    pitch-class durations (ties: C before C#, major before minor). None for a song of rests.

    The key finder alone is not enough for a short tune: for 나비야 (c d e f g, mostly e) it
    answers E minor, whose scale lacks the song's f; the scale test keeps the answer to
    C major and F major, and the profiles prefer C major.
    """
    import numpy as np  # not loaded by `--help` and `--list`, which import the score writer

    weights = np.zeros(12)
    for note in melody.notes:
        if note.pitch is not None:
            weights[note.pitch % 12] += float(note.duration)
    if not weights.any():
        return None
    keys = [Key(tonic, mode) for mode in ("major", "minor") for tonic in range(12)]

    def rank(key: Key) -> tuple[float, float]:
        held = sum(weights[pc] for pc in key.scale)
        profile = np.roll(PROFILES[key.mode], key.tonic)
        correlation = 0.0 if weights.std() == 0 else float(np.corrcoef(weights, profile)[0, 1])
        return held, correlation

    return max(keys, key=rank)  # max keeps the first of equals


def melody_key(melody: Melody) -> Key | None:
    """The key a melody is spelt and written in: its file's (``Melody.key``: a MIDI key
    signature, ABC's ``K:``, MusicXML's ``<key>``), else the one found in its notes
    (``song_key``)."""
    return melody.key if melody.key is not None else song_key(melody)


def key_alters(fifths: int) -> dict[str, int]:
    """Step -> alteration that the key signature gives it: 2 -> {'F': 1, 'C': 1}."""
    if fifths >= 0:
        return {step: 1 for step in _LINE[:fifths]}
    return {step: -1 for step in _LINE[::-1][:-fifths]}


def spell(pitch: int, fifths: int) -> tuple[str, int, int]:
    """MIDI pitch -> (step, alter, octave) in the key of ``fifths``: notes of the key as the key
    spells them, others as naturals where they can be, else sharps in sharp keys and flats in
    flat keys (in C: C#, Eb, F#, G#, Bb). The score writer and the song notation both spell so."""
    pitch_class, alters = pitch % 12, key_alters(fifths)
    candidates = [(step, alters.get(step, 0)) for step in STEPS
                  if (STEPS[step] + alters.get(step, 0)) % 12 == pitch_class]
    if not candidates:
        candidates = [(step, 0) for step in STEPS if STEPS[step] == pitch_class]
    if not candidates:
        sharp = fifths > 0 or (fifths == 0 and pitch_class not in (3, 10))
        alter = 1 if sharp else -1
        candidates = [(step, alter) for step in STEPS if (STEPS[step] + alter) % 12 == pitch_class]
    step, alter = candidates[0]
    return step, alter, (pitch - alter) // 12 - 1
