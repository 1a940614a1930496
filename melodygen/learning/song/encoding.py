"""Vocabulary indices <-> arrays: the two input encodings of the lecture, and the windows.

Every model predicts a vocabulary index (one class per distinct note, see ``vocabulary.py``).
Inputs encode each note of the window in one of two ways:

- ``index``:    the note's vocabulary index divided by the largest index (the lecture's
                ``idx / 13``); one number per note.
- ``features``: the lecture's two numbers per note: pitch (``scale / 6``: c=0 ... b=6) and
                length (quarter 0, eighth 1). For a song outside the lecture's alphabet the
                pitch is scaled over the song's range in semitones, the length is the rank of
                the note value among the song's values (longest 0, shortest 1), and songs with
                rests get a third number, 1 for a rest. A vocabulary's unknown class (see
                ``vocabulary.py``) is all zeros but for one more number, 1 for "unknown".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ...core import display
from ...core.errors import ConfigError, MelodyError
from .vocabulary import LECTURE_NOTES, Vocabulary

ENCODINGS = ("index", "features")


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
    raise ConfigError(f"unknown encoding {name!r}; known: {', '.join(ENCODINGS)}")


def _feature_table(vocabulary: Vocabulary) -> np.ndarray:
    notes = vocabulary.notes
    if vocabulary.name == "lecture":
        scale = [note.pitch for note in LECTURE_NOTES[:7]]  # c d e f g a b: scale 0..6
        return np.array([[scale.index(n.pitch) / 6.0, 0.0 if n.duration == 1 else 1.0]
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
    if vocabulary.unknown:  # one more number, 1 only for the unknown class
        width = len(rows[0]) if rows else 2
        rows = [row + [0.0] for row in rows] + [[0.0] * width + [1.0]]
    return np.array(rows, dtype=np.float32)


@dataclass(frozen=True)
class Dataset:
    """Sliding windows over one melody or several: ``window`` notes in, the next note out."""

    inputs: np.ndarray   # (samples, window) vocabulary indices
    targets: np.ndarray  # (samples,) vocabulary index of the note after each window

    @property
    def window(self) -> int:
        return self.inputs.shape[1]

    def __len__(self) -> int:
        return len(self.targets)


def make_dataset(sequences: np.ndarray | Sequence[np.ndarray], window: int,
                 source: str = "") -> Dataset:
    """Windows over one melody's indices, or over each of several melodies (no window spans two):
    a melody of n notes gives n - window samples (나비야: 54 notes, window 4 -> 50). A single
    melody too short for the window is an error; of several, the short ones give no samples."""
    single = sequences.ndim == 1 if isinstance(sequences, np.ndarray) else \
        all(isinstance(item, (int, np.integer)) for item in sequences)  # a list of indices
    sequences = [np.asarray(sequences if single else s, dtype=np.int32)
                 for s in ([sequences] if single else sequences)]
    if single and len(sequences[0]) < window + 1:
        count = len(sequences[0])
        raise MelodyError(f"melody has {count} note{'s' if count != 1 else ''}; a window of "
                          f"{window} needs at least {window + 1}", source=source or None)
    inputs = [np.stack([s[i:i + window] for i in range(len(s) - window)])
              for s in sequences if len(s) > window]
    if not inputs:
        raise MelodyError(f"no melody has more than {window} notes, the window", source=source or None)
    targets = [s[window:] for s in sequences if len(s) > window]
    return Dataset(np.concatenate(inputs), np.concatenate(targets).astype(np.int32))


@dataclass(frozen=True)
class Ambiguity:
    """A context (window of notes) that recurs in the data with more than one next note."""

    context: tuple[int, ...]                          # the window, vocabulary indices
    followers: tuple[tuple[int, tuple[int, ...]], ...]  # (next note, samples it follows in),
                                                       # most frequent first (ties: first seen)
    vocabulary: Vocabulary | None = field(default=None, compare=False)  # names the notes

    def __repr__(self) -> str:
        return display.text(self)  # in note names when the vocabulary is known

    def _repr_html_(self) -> str:
        return display.html(self)

    @property
    def best(self) -> int:
        """Samples a model that sees only the window can get right here: the most frequent."""
        return len(self.followers[0][1])


def ambiguous_contexts(dataset: Dataset) -> list[Ambiguity]:
    """Every context that recurs with different next notes, in the order each first occurs
    (나비야, window 4: four contexts, which is why 46 of 50 is the ceiling)."""
    followers: dict[tuple, dict[int, list[int]]] = defaultdict(dict)
    for sample, (context, target) in enumerate(zip(map(tuple, dataset.inputs), dataset.targets)):
        followers[tuple(int(i) for i in context)].setdefault(int(target), []).append(sample)
    found = []
    for context, nexts in followers.items():
        if len(nexts) > 1:
            ranked = sorted(nexts.items(), key=lambda item: (-len(item[1]), item[1][0]))
            found.append(Ambiguity(context, tuple((note, tuple(samples)) for note, samples in ranked)))
    return found


def window_ceiling(dataset: Dataset) -> int:
    """The most samples any model that sees only the window can get right.

    A context that recurs with different next notes can be right only for its most common
    next note (나비야, window 4: 46 of 50).
    """
    followers: dict[tuple, Counter] = defaultdict(Counter)
    for context, target in zip(map(tuple, dataset.inputs), dataset.targets):
        followers[context][int(target)] += 1
    return sum(counter.most_common(1)[0][1] for counter in followers.values())
