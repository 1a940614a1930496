"""A melody's notes as IDyOM's basic viewpoints: what a multiple-viewpoint system reads.

One ``Events`` per song, made from ``learning.collection.events.note_events`` (its pitched notes;
a rest is no event, only the gap before the next one) and the key its file gives
(``Melody.key``: ABC's ``K:``, a score's key signature and mode; no key is guessed from the
notes):

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
    mode      mode                      IDyOM's: semitones from the tonic of the signature's
                                        major key, 0 major, 9 minor, 2 dorian, 5 lydian, 7
                                        mixolydian, 4 phrygian, 11 locrian; None without a key

Times are exact: a length that is no whole number of ticks is a ``MelodyError``. The meter is
the song's first (melodygen keeps one per song).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ...core.collection import Tune
from ...core.errors import MelodyError
from ...core.keys import MODES, Key
from ...core.note import Melody
from ..collection.events import note_events

# ticks per quarter note: 2**5 * 3 * 5 * 7, so 128th notes, triplets, quintuplets and septuplets
# are whole numbers of ticks (IDyOM's timebase is 96 per whole note, 24 per quarter note)
TICKS_PER_QUARTER = 3360
# IDyOM's mode: semitones from the tonic of the signature's major key to the key's tonic
IDYOM_MODES = {mode: -fifths * 7 % 12 for mode, fifths in MODES.items()}


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
    mode: int | None = None  # IDyOM's mode: 0 major, 9 minor, ...; None when unknown

    def __post_init__(self) -> None:
        for name in ("pitch", "duration", "onset"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.int64))
        if not len(self.pitch) == len(self.duration) == len(self.onset):
            raise MelodyError(f"events: {len(self.pitch)} pitches, {len(self.duration)} "
                              f"durations and {len(self.onset)} onsets")
        if self.tonic is not None and not 0 <= self.tonic < 12:
            raise MelodyError(f"events: tonic must be a pitch class 0..11 or None, got {self.tonic}")
        if self.mode is not None and self.mode not in IDYOM_MODES.values():
            raise MelodyError(f"events: mode must be one of {sorted(IDYOM_MODES.values())} "
                              f"(IDyOM's) or None, got {self.mode}")

    def __len__(self) -> int:
        return len(self.pitch)

    def __repr__(self) -> str:
        return (f"Events({len(self)} notes, bar {self.bar} ticks, {self.pulses} pulses, "
                f"tonic {self.tonic}, mode {self.mode})")

    @classmethod
    def from_tune(cls, tune: Tune) -> "Events":
        """A tune of a collection (``from_melody``)."""
        return cls.from_melody(tune.melody)

    @classmethod
    def from_melody(cls, melody: Melody, key: Key | None = None) -> "Events":
        """The pitched notes of ``melody``; the key (tonic and mode) is ``key``, else the one
        its file gives (``melody.key``), else none."""
        key = key if key is not None else melody.key
        tonic, mode = (key.tonic, IDYOM_MODES[key.mode]) if key is not None else (None, None)
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
