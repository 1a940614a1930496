"""The rules that keep a new tune in shape, as masks over the notes a model may choose next
(``learning.interface.NoteRule``): a masked choice gets probability 0, the rest is renormalized.
They hold for any model, of one song or of a collection.

- **whole bars**: a note's length never reaches past the next bar line, so bar lines fall where
  the meter puts them and nothing is tied over; when none of the model's lengths fits what is
  left of the bar, the note fills it;
- **length**: the tune lasts exactly its bars (after its pickup);
- **tonic ending**: the tune ends on the key's tonic, held to the end of the last bar: in the
  last bar a tonic ends the tune there, any other note leaves at least a beat for the tonic,
  and in the last beat only the tonic is left;
- **cadences**: each part of a tune with form ends the same way on a stable degree
  (``Cadence``: the tonic, third or fifth; the last part on the tonic), its last bar short by
  the pickup of the part after it;
- **range**: pitches stay within the model's range in the key (``MelodyModel.pitch_limits``).

Times are in quarter notes from the first bar line (a pickup starts before it, at -pickup).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from ..core.note import beat

REST = -1  # the pitch of a rest among a model's candidates


@dataclass(frozen=True)
class Cadence:
    """A part's ending: the note that ends it has one of ``degrees`` and is held to ``end``."""

    end: Fraction               # where the part ends (quarter notes from the first bar line)
    degrees: frozenset[int]     # pitch classes the part may end on


@dataclass(frozen=True)
class TuneRules:
    """The rules of one tune (see the module); ``at(now)`` gives them at one place of it."""

    meter: tuple[int, int]
    bars: int                        # the tune's bars
    shortest: Fraction               # the model's shortest length: a note never leaves less
    tonic: int | None = None         # pitch class the tune ends on (None: any ending)
    limits: tuple[int, int] | None = None  # lowest and highest pitch (None: any)
    cadences: tuple[Cadence, ...] = ()     # the parts' endings before the tune's end, in order
    short: Fraction = Fraction(0)    # the last bar is short by this: a tune with a pickup ends
                                     # the pickup's length before its last bar line

    @property
    def measure(self) -> Fraction:
        return Fraction(4 * self.meter[0], self.meter[1])

    @property
    def end(self) -> Fraction:
        """Where the tune ends: after its last bar."""
        return self.bars * self.measure - self.short

    @property
    def endings(self) -> tuple[Cadence, ...]:
        """Every ending the tune keeps, in order: its parts', then its own (on the tonic)."""
        last = (Cadence(self.end, frozenset((self.tonic,))),) if self.tonic is not None else ()
        return self.cadences + last

    def at(self, now: Fraction, notes: Sequence = ()) -> "NoteRules":
        """The rules for the note at ``now`` (``notes``: the tune's notes so far, which these
        rules do not need)."""
        return NoteRules(self, now)


@dataclass(frozen=True)
class NoteRules:
    """The rules for the note that starts at ``now`` (a ``NoteRule``)."""

    tune: TuneRules
    now: Fraction

    @property
    def room(self) -> Fraction:
        """Time to the next bar line."""
        measure = self.tune.measure
        return measure - self.now % measure

    @property
    def left(self) -> Fraction:
        """Time to the end of the tune."""
        return self.tune.end - self.now

    @property
    def ending(self) -> Cadence | None:
        """The next ending the tune keeps, when the note is in the bar that ends with it."""
        measure = self.tune.measure
        found = next((cadence for cadence in self.tune.endings if cadence.end > self.now), None)
        if found is None or self.now < measure * (-(-found.end // measure) - 1):
            return None
        return found

    @property
    def last_bar(self) -> bool:
        return self.ending is not None

    def pitches(self, pitches: np.ndarray) -> np.ndarray:
        pitches = np.asarray(pitches)
        allowed = np.ones(len(pitches), bool)
        if self.tune.limits is not None:
            low, high = self.tune.limits
            allowed &= (pitches == REST) | ((pitches >= low) & (pitches <= high))
        ending = self.ending
        if ending is not None and \
                ending.end - self.now - beat(self.tune.meter) < self.tune.shortest:
            # the last beat (no room left for another note before it): an ending note only
            allowed &= (pitches != REST) & np.isin(pitches % 12, sorted(ending.degrees))
        return allowed

    def held(self, pitch: int) -> Fraction | None:
        ending = self.ending
        if ending is not None and pitch != REST and pitch % 12 in ending.degrees:
            return ending.end - self.now  # an ending note ends the part, held to its end
        return None

    def lengths(self, pitch: int, lengths: Sequence[Fraction]) -> np.ndarray:
        room, left, tune, ending = self.room, self.left, self.tune, self.ending
        final = tune.tonic is not None
        if ending is not None:  # leave at least a beat for the ending note
            before = ending.end - self.now - beat(tune.meter)
            return np.array([length <= room and length <= before for length in lengths],
                            dtype=bool)
        return np.array([length <= room and (
            left - length >= tune.shortest or (length == left and not final))
            for length in lengths], dtype=bool)

    def fill(self) -> Fraction:
        return self.room


@dataclass(frozen=True)
class LastNote:
    """A melody of a number of notes ending on the tonic: its last note's pitch is the tonic's
    (any length; the melody then ends on a bar line, ``loop.end_on_bar``)."""

    tonic: int

    def pitches(self, pitches: np.ndarray) -> np.ndarray:
        pitches = np.asarray(pitches)
        return (pitches != REST) & (pitches % 12 == self.tonic)

    def held(self, pitch: int) -> Fraction | None:
        return None

    def lengths(self, pitch: int, lengths: Sequence[Fraction]) -> np.ndarray:
        return np.ones(len(lengths), dtype=bool)

    def fill(self) -> Fraction:
        raise ValueError("a melody of a number of notes has no bar to fill (every length is "
                         "allowed)")
