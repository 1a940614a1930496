"""Notes <-> arrays: the vocabulary, the two input encodings of the lecture, and the windows.

Every model predicts a vocabulary index (one class per distinct note, one-hot targets).
Inputs encode each note of the window in one of two ways:

- ``index``:    the note's vocabulary index divided by the largest index (the lecture's
                ``idx / 13``); one number per note.
- ``features``: the lecture's two numbers per note: pitch (``scale / 6``: c=0 ... b=6) and
                length (quarter 0, eighth 1). For a song outside the lecture's alphabet the
                pitch is scaled over the song's range in semitones, the length is the rank of
                the note value among the song's values (longest 0, shortest 1), and songs with
                rests get a third number, 1 for a rest.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .errors import MelodyError
from .note import Melody, Note

ENCODINGS = ("index", "features")
_LECTURE_LETTERS = "cdefgab"
_C_MAJOR_OCTAVE_4 = (60, 62, 64, 65, 67, 69, 71)  # c d e f g a b of the lecture
# The lecture's note2idx: c4..b4 (quarters) -> 0..6, c8..b8 (eighths) -> 7..13.
LECTURE_NOTES = tuple(Note(p, Fraction(1)) for p in _C_MAJOR_OCTAVE_4) + \
    tuple(Note(p, Fraction(1, 2)) for p in _C_MAJOR_OCTAVE_4)


@dataclass(frozen=True)
class Vocabulary:
    """The classes a model predicts: vocabulary index <-> Note."""

    notes: tuple[Note, ...]
    name: str = "song"  # "lecture" for the lecture's 14-token dictionary

    def __len__(self) -> int:
        return len(self.notes)

    def index(self, note: Note) -> int:
        try:
            return self.notes.index(note)
        except ValueError:
            raise KeyError(note) from None

    def indices(self, notes, source: str = "") -> np.ndarray:
        """Notes -> int array of vocabulary indices; a note outside the vocabulary is an error."""
        lookup = {note: i for i, note in enumerate(self.notes)}
        out = np.empty(len(notes), dtype=np.int32)
        for position, note in enumerate(notes):
            if note not in lookup:
                raise MelodyError(f"note {position + 1} ({note!r}) is not in the model's vocabulary",
                                  source=source or None)
            out[position] = lookup[note]
        return out

    def to_notes(self, indices) -> list[Note]:
        return [self.notes[int(i)] for i in indices]

    @classmethod
    def lecture(cls) -> "Vocabulary":
        return cls(LECTURE_NOTES, "lecture")

    @classmethod
    def for_melody(cls, melody: Melody) -> "Vocabulary":
        """The lecture's dictionary when the song fits it (as 나비야 does), else the song's own notes
        ordered by length (longest first), then pitch, rests last."""
        distinct = set(melody.notes)
        if distinct <= set(LECTURE_NOTES):
            return cls.lecture()
        return cls(tuple(sorted(distinct, key=lambda n: (-n.duration, n.pitch is None, n.pitch or 0))))


@dataclass(frozen=True)
class Encoding:
    """How a vocabulary index becomes a model input: row ``i`` of ``table`` encodes note ``i``."""

    name: str           # "index" or "features"
    table: np.ndarray   # (vocabulary size, features per note) float32

    @property
    def features_per_note(self) -> int:
        return self.table.shape[1]

    def encode(self, indices: np.ndarray) -> np.ndarray:
        """(..., window) indices -> (..., window, features) floats."""
        return self.table[np.asarray(indices)]


def make_encoding(name: str, vocabulary: Vocabulary) -> Encoding:
    if name == "index":
        largest = max(len(vocabulary) - 1, 1)
        table = np.arange(len(vocabulary), dtype=np.float32)[:, None] / largest
        return Encoding(name, table)
    if name == "features":
        return Encoding(name, _feature_table(vocabulary))
    raise ValueError(f"unknown encoding {name!r}; known: {', '.join(ENCODINGS)}")


def _feature_table(vocabulary: Vocabulary) -> np.ndarray:
    notes = vocabulary.notes
    if vocabulary.name == "lecture":
        return np.array([[_C_MAJOR_OCTAVE_4.index(n.pitch) / 6.0, 0.0 if n.duration == 1 else 1.0]
                         for n in notes], dtype=np.float32)
    pitches = [n.pitch for n in notes if n.pitch is not None]
    low, high = (min(pitches), max(pitches)) if pitches else (0, 0)
    durations = sorted({n.duration for n in notes}, reverse=True)
    has_rests = any(n.pitch is None for n in notes)
    rows = []
    for note in notes:
        pitch = 0.0 if note.pitch is None or high == low else (note.pitch - low) / (high - low)
        length = durations.index(note.duration) / max(len(durations) - 1, 1)
        rows.append([pitch, length] + ([float(note.pitch is None)] if has_rests else []))
    return np.array(rows, dtype=np.float32)


@dataclass(frozen=True)
class Dataset:
    """Sliding windows over a melody: ``window`` notes in, the next note out."""

    inputs: np.ndarray   # (samples, window) vocabulary indices
    targets: np.ndarray  # (samples,) vocabulary index of the note after each window

    @property
    def window(self) -> int:
        return self.inputs.shape[1]

    def __len__(self) -> int:
        return len(self.targets)


def make_dataset(indices: np.ndarray, window: int, source: str = "") -> Dataset:
    """A melody of n notes gives n - window samples (나비야: 54 notes, window 4 -> 50)."""
    indices = np.asarray(indices, dtype=np.int32)
    if len(indices) < window + 1:
        raise MelodyError(f"melody has {len(indices)} notes; a window of {window} needs at least "
                          f"{window + 1}", source=source or None)
    samples = len(indices) - window
    inputs = np.stack([indices[i:i + window] for i in range(samples)])
    return Dataset(inputs, indices[window:].copy())


def window_ceiling(dataset: Dataset) -> int:
    """The most samples any model that sees only the window can get right.

    A context that recurs with different next notes can be right only for its most common
    next note (나비야, window 4: 46 of 50).
    """
    followers: dict[tuple, Counter] = defaultdict(Counter)
    for context, target in zip(map(tuple, dataset.inputs), dataset.targets):
        followers[context][int(target)] += 1
    return sum(counter.most_common(1)[0][1] for counter in followers.values())
