"""A melody's notes as IDyOM's basic viewpoints: what a multiple-viewpoint system reads.

One ``Events`` per song, made from ``learning.sequences.note_events`` (its pitched notes; a rest
is no event, only the gap before the next one) and the tonic of the song's key:

    field     IDyOM's basic viewpoint   unit
    pitch     cpitch                    MIDI number (60 = middle C)
    duration  dur                       ticks, TICKS_PER_QUARTER to a quarter note
    onset     onset                     ticks from the start of the first bar: a song with an
                                        upbeat of u ticks in bars of b starts at b - u
                                        (Pearce 2005, 5.3), so onset mod b is the place in the bar
    bar       barlength                 ticks in a bar (the time signature's)
    pulses    pulses                    the time signature's numerator (6 in 6/8)
    tonic     referent (keysig, mode)   the key's tonic, a pitch class (0 = C, 9 = A): A minor
                                        has 9; None when the song gives no key
    mode      mode                      0 major, 9 minor (IDyOM's: the rotation of the major
                                        scale); None when the song gives no key

Times are exact: a length that is no whole number of ticks is a ``MelodyError``. The meter is
the song's first (melodygen keeps one per song).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ...core.collection import Tune
from ...core.errors import MelodyError
from ...core.note import Melody
from ..sequences import note_events, tonic

# ticks per quarter note: 2**5 * 3 * 5 * 7, so 128th notes, triplets, quintuplets and septuplets
# are whole numbers of ticks (IDyOM's timebase is 96 per whole note, 24 per quarter note)
TICKS_PER_QUARTER = 3360
MODES = {"major": 0, "minor": 9}  # IDyOM's mode: the major scale rotated by so many semitones


def ticks(length: Fraction, what: str = "length") -> int:
    """A length in quarter notes -> ticks (a ``MelodyError`` when it is not whole)."""
    value = Fraction(length) * TICKS_PER_QUARTER
    if value.denominator != 1:
        raise MelodyError(f"{what} {length} quarter notes is no whole number of ticks "
                          f"({TICKS_PER_QUARTER} to a quarter note)")
    return int(value)


@dataclass(frozen=True, eq=False)
class Events:
    """One song's notes as IDyOM's basic viewpoints (see the module for the units)."""

    pitch: np.ndarray     # (notes,) int64 MIDI numbers
    duration: np.ndarray  # (notes,) int64 ticks
    onset: np.ndarray     # (notes,) int64 ticks from the start of the first bar
    bar: int              # ticks in a bar
    pulses: int           # the time signature's numerator
    tonic: int | None     # pitch class of the key's tonic, None when unknown
    mode: int | None = None  # 0 major, 9 minor, None when unknown

    def __post_init__(self) -> None:
        for name in ("pitch", "duration", "onset"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.int64))
        if not len(self.pitch) == len(self.duration) == len(self.onset):
            raise MelodyError(f"events: {len(self.pitch)} pitches, {len(self.duration)} "
                              f"durations and {len(self.onset)} onsets")
        if self.tonic is not None and not 0 <= self.tonic < 12:
            raise MelodyError(f"events: tonic must be a pitch class 0..11 or None, got {self.tonic}")
        if self.mode not in MODES.values() and self.mode is not None:
            raise MelodyError(f"events: mode must be 0 (major), 9 (minor) or None, got {self.mode}")

    def __len__(self) -> int:
        return len(self.pitch)

    def __repr__(self) -> str:
        return (f"Events({len(self)} notes, bar {self.bar} ticks, {self.pulses} pulses, "
                f"tonic {self.tonic}, mode {self.mode})")

    @classmethod
    def from_tune(cls, tune: Tune) -> "Events":
        """A tune of a collection, its tonic and mode from its key as the file gives it
        (``file_key``)."""
        return cls.from_melody(tune.melody, *file_key(tune))

    @classmethod
    def from_melody(cls, melody: Melody, tonic: int | None, mode: int | None = None
                    ) -> "Events":
        """The pitched notes of ``melody``; ``tonic``: the key's tonic as a pitch class (the
        caller's choice: the file's key, ``learning.sequences.tonic``), None if unknown;
        ``mode``: 0 major, 9 minor, None if unknown."""
        bar = melody.measure_length
        now = (bar - melody.pickup) % bar            # where the first note's bar starts is 0
        pitches, durations, onsets = [], [], []
        for event in note_events(melody):
            now += event.rest
            pitches.append(event.pitch)
            durations.append(ticks(event.duration, "duration"))
            onsets.append(ticks(now, "onset"))
            now += event.duration
        return cls(np.array(pitches, dtype=np.int64), np.array(durations, dtype=np.int64),
                   np.array(onsets, dtype=np.int64), ticks(bar, "bar"),
                   melody.time_signature[0], tonic, mode)


def file_key(tune: Tune) -> tuple[int | None, int | None]:
    """(tonic, mode) of the key a tune's file gives: an ABC ``K:`` field ("G": G major; "Dmin",
    "Dm": D minor; other modes count as major), else the key a score's signature and mode give
    (``Melody.key``: a MusicXML chorale in A minor has (9, 9)), else (None, None): no key is
    guessed from the notes."""
    if tune.key:
        minor = re.match(r"\s*[A-Ha-h][#b]?\s*(m|min|minor)\b", tune.key, re.IGNORECASE)
        return tonic(tune.key, tune.melody), MODES["minor" if minor else "major"]
    key = tune.melody.key
    return (key.tonic, MODES[key.mode]) if key is not None else (None, None)
