"""A collection prepared for evaluation: its alphabets and every tune's notes as indices.

As IDyOM does (``set-alphabet-from-dataset``), the alphabets come from the whole collection,
training and test songs alike: every model gives its probabilities over the same pitches (27 for
the German children's songs) and the same lengths, so a model is never charged for a pitch the
collection does not have, and no model can give probability to one outside it.
The notes of a tune are its pitched notes (``learning.collection.events.note_events``): a rest is no
note to predict.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np

from ..core.collection import Collection
from ..learning.collection.events import note_events, tonic


@dataclass(frozen=True)
class EvaluationData:
    """The collection, its alphabets, and per tune its notes as alphabet indices and its tonic."""

    collection: Collection
    pitches: tuple[int, ...]                    # the pitch alphabet, MIDI numbers, rising
    durations: tuple[Fraction, ...]             # the length alphabet, quarter notes, rising
    pitch_sequences: tuple[np.ndarray, ...]     # per tune: (notes,) indices into ``pitches``
    duration_sequences: tuple[np.ndarray, ...]  # per tune: (notes,) indices into ``durations``
    tonics: tuple[int, ...]                     # per tune: the tonic's pitch class
    keyed: int                                  # tunes whose tonic comes from their file's key

    @classmethod
    def of(cls, collection: Collection) -> "EvaluationData":
        events = [note_events(tune.melody) for tune in collection.tunes]
        pitches = tuple(sorted({event.pitch for song in events for event in song}))
        durations = tuple(sorted({event.duration for song in events for event in song}))
        pitch_index = {pitch: i for i, pitch in enumerate(pitches)}
        duration_index = {duration: i for i, duration in enumerate(durations)}
        return cls(
            collection, pitches, durations,
            tuple(np.array([pitch_index[e.pitch] for e in song], dtype=np.int64) for song in events),
            tuple(np.array([duration_index[e.duration] for e in song], dtype=np.int64)
                  for song in events),
            tuple(tonic(tune.melody) for tune in collection.tunes),
            sum(1 for tune in collection.tunes if tune.melody.key is not None))

    @cached_property
    def events(self) -> tuple:
        """Per tune: its notes as IDyOM's basic viewpoints (``learning.ppm.Events``), what the
        viewpoint systems read."""
        from ..learning import ppm
        return tuple(ppm.Events.from_tune(tune) for tune in self.collection.tunes)

    @cached_property
    def onsets(self) -> tuple[tuple[Fraction, ...], ...]:
        """Per tune: where each of its notes starts, in quarter notes from the tune's start."""
        out = []
        for tune in self.collection.tunes:
            now, starts = Fraction(0), []
            for note in tune.melody.notes:
                if not note.is_rest:
                    starts.append(now)
                now += note.duration
            out.append(tuple(starts))
        return tuple(out)

    @property
    def songs(self) -> int:
        return len(self.collection)

    @property
    def note_count(self) -> int:
        return sum(len(song) for song in self.pitch_sequences)
