"""Notes <-> vocabulary indices: the classes a model predicts.

A vocabulary is a tuple of distinct notes (pitch and length; a rest is a note too); note ``i``
is class ``i``. It is built from one melody (the lecture's experiment) or from many (a
collection), always with the same order: longest first, then by pitch, rests last, unless
every note is one of the lecture's 14 tokens, which keep the lecture's ``note2idx``
(c4..b4 -> 0..6, c8..b8 -> 7..13).

A note the vocabulary has never seen:

- without an unknown class (``unknown=False``, every single-song vocabulary) it is an error
  that names the note and its position: a primer or a song must use the notes the model knows;
- with one (``unknown=True``, for models of a collection that will meet songs they were not
  trained on) the vocabulary has one more class, the last, ``unknown_index``, that stands for
  every note outside it. Such a note is read as that class, so a model gives an unseen note the
  probability it gives "a note I do not know", and an evaluation on unseen songs goes on. The
  unknown class is never written out: ``to_notes`` refuses it, and generation never chooses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

import numpy as np

from ...core.errors import MelodyError
from ...core.note import Melody, Note

_C_MAJOR_OCTAVE_4 = (60, 62, 64, 65, 67, 69, 71)  # c d e f g a b of the lecture
# The lecture's note2idx: c4..b4 (quarters) -> 0..6, c8..b8 (eighths) -> 7..13.
LECTURE_NOTES = tuple(Note(p, Fraction(1)) for p in _C_MAJOR_OCTAVE_4) + \
    tuple(Note(p, Fraction(1, 2)) for p in _C_MAJOR_OCTAVE_4)


@dataclass(frozen=True)
class Vocabulary:
    """The classes a model predicts: vocabulary index <-> Note (see the module for the rules)."""

    notes: tuple[Note, ...]
    name: str = "song"      # "lecture" for the lecture's 14-token dictionary
    unknown: bool = False   # one more class, the last, for every note outside ``notes``

    def __len__(self) -> int:
        """The number of classes: the notes, and the unknown class if there is one."""
        return len(self.notes) + self.unknown

    @property
    def unknown_index(self) -> int | None:
        return len(self.notes) if self.unknown else None

    def index(self, note: Note) -> int:
        try:
            return self.notes.index(note)
        except ValueError:
            if self.unknown:
                return len(self.notes)
            raise KeyError(note) from None

    def indices(self, notes, source: str = "") -> np.ndarray:
        """Notes -> int array of vocabulary indices; a note outside the vocabulary is the unknown
        class, or without one an error naming its position."""
        lookup = {note: i for i, note in enumerate(self.notes)}
        out = np.empty(len(notes), dtype=np.int32)
        for position, note in enumerate(notes):
            if note in lookup:
                out[position] = lookup[note]
            elif self.unknown:
                out[position] = len(self.notes)
            else:
                raise MelodyError(f"note {position + 1} ({note!r}) is not in the model's vocabulary",
                                  source=source or None)
        return out

    def to_notes(self, indices) -> list[Note]:
        """Indices -> notes; the unknown class has no note and is refused."""
        if self.unknown and any(int(i) == len(self.notes) for i in indices):
            raise ValueError("the unknown class stands for no note and cannot be written")
        return [self.notes[int(i)] for i in indices]

    @classmethod
    def lecture(cls) -> "Vocabulary":
        return cls(LECTURE_NOTES, "lecture")

    @classmethod
    def from_melodies(cls, melodies: Iterable[Melody], unknown: bool = False) -> "Vocabulary":
        """The distinct notes of ``melodies``: the lecture's dictionary when they all fit it (as
        나비야 does) and no unknown class is asked for, else their own notes ordered by length
        (longest first), then pitch, rests last."""
        distinct = set()
        for melody in melodies:
            distinct.update(melody.notes)
        if distinct <= set(LECTURE_NOTES) and not unknown:
            return cls.lecture()
        ordered = sorted(distinct, key=lambda n: (-n.duration, n.pitch is None, n.pitch or 0))
        return cls(tuple(ordered), "collection" if unknown else "song", unknown)

    @classmethod
    def for_melody(cls, melody: Melody) -> "Vocabulary":
        """The vocabulary of one song: ``from_melodies([melody])``."""
        return cls.from_melodies([melody])
