"""Keys: major and minor scales, key signatures, the key of a melody, and a pitch spelt in a key.

Pitch classes are 0..11 with 0 = C; a key signature is counted in fifths (sharps 1..6,
flats -1..-5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .note import PITCH_CLASS_NAMES, Melody

# Krumhansl & Kessler (1982) probe-tone ratings of the 12 pitch classes, tonic first: the
# profiles of the Krumhansl-Schmuckler key finder (music21's KrumhanslSchmuckler uses the same).
MAJOR_PROFILE = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
MINOR_PROFILE = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
SCALE_STEPS = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}  # natural minor
PROFILES = {"major": MAJOR_PROFILE, "minor": MINOR_PROFILE}
STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}  # note letter -> pitch class
_SHARPS, _FLATS = "FCGDAEB", "BEADGCF"  # the order sharps and flats enter a key signature


@dataclass(frozen=True)
class Key:
    """A major or (natural) minor key."""

    tonic: int   # pitch class 0..11, 0 = C
    mode: str    # "major" or "minor"

    def __post_init__(self) -> None:
        if not (isinstance(self.tonic, int) and 0 <= self.tonic <= 11) or self.mode not in SCALE_STEPS:
            raise ValueError(f"a key is a pitch class 0..11 and major or minor, got "
                             f"{self.tonic!r} {self.mode!r}")

    @classmethod
    def from_fifths(cls, fifths: int, mode: str = "major") -> Key:
        """The key of a signature: 2 sharps major -> D major, -3 minor -> C minor."""
        major_tonic = fifths * 7 % 12
        return cls(major_tonic if mode == "major" else (major_tonic - 3) % 12, mode)

    @classmethod
    def parse(cls, text: str) -> Key:
        """'G major', 'f# minor', 'Bb major', 'Am' -> Key; ValueError for anything else."""
        match = re.fullmatch(r"\s*([A-Ga-g])([#b]?)\s*(major|minor|maj|min|m|)\s*", text)
        if match is None:
            raise ValueError(f"not a key: {text!r} (e.g. 'G major', 'F# minor', 'Bb major')")
        letter, accidental, mode = match.groups()
        tonic = (PITCH_CLASS_NAMES.index(letter.upper()) + {"#": 1, "b": -1, "": 0}[accidental]) % 12
        return cls(tonic, "minor" if mode in ("minor", "min", "m") else "major")

    @property
    def scale(self) -> frozenset[int]:
        """Its seven pitch classes."""
        return frozenset((self.tonic + step) % 12 for step in SCALE_STEPS[self.mode])

    @property
    def fifths(self) -> int:
        """Its key signature: sharps (1..6) or flats (-1..-5); F# major and D# minor take six
        sharps, not six flats."""
        major_tonic = self.tonic if self.mode == "major" else (self.tonic + 3) % 12
        fifths = major_tonic * 7 % 12  # each fifth up adds a sharp
        return fifths - 12 if fifths > 6 else fifths

    def __str__(self) -> str:
        return f"{PITCH_CLASS_NAMES[self.tonic]} {self.mode}"


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


def key_alters(fifths: int) -> dict[str, int]:
    """Step -> alteration that the key signature gives it: 2 -> {'F': 1, 'C': 1}."""
    return {step: 1 for step in _SHARPS[:fifths]} if fifths >= 0 else {step: -1 for step in _FLATS[:-fifths]}


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
