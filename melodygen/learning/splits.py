"""Song-level splits of a collection: train/validation/test parts and k folds, from a seed.

Splits never cut a song, and never put two versions of one tune on both sides: tunes with the
same notes up to transposition (the same intervals between their pitches and the same lengths,
rests included: ``same_tune_key``) form one group, and a group goes to one part or fold whole.

Folds are balanced by tunes: the groups, shuffled by numpy's PCG64 seeded with ``seed``, go one
by one to the fold with the fewest tunes so far (the first such fold on ties). The same
collection and seed always give the same folds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..core.collection import Collection
from ..core.errors import ConfigError
from ..core.note import Melody


def same_tune_key(melody: Melody) -> tuple:
    """What two versions of one tune share in any transposition: each note's length and its
    pitch relative to the first pitch (None for a rest)."""
    first = next((note.pitch for note in melody.notes if note.pitch is not None), 0)
    return tuple((None if note.pitch is None else note.pitch - first, note.duration)
                 for note in melody.notes)


def same_pitches_key(melody: Melody) -> tuple:
    """What two tunes share when they have the same pitches in any transposition, whatever their
    rhythm: the intervals between consecutive pitches."""
    pitches = [note.pitch for note in melody.notes if note.pitch is not None]
    return tuple(b - a for a, b in zip(pitches, pitches[1:]))


def groups(melodies: Sequence[Melody]) -> list[list[int]]:
    """Indices of the melodies, grouped by ``same_tune_key``, groups in order of first index."""
    found: dict[tuple, list[int]] = {}
    for index, melody in enumerate(melodies):
        found.setdefault(same_tune_key(melody), []).append(index)
    return list(found.values())


def k_folds(collection: Collection | Sequence[Melody], k: int, seed: int) -> list[list[int]]:
    """``k`` folds of tune indices (each sorted), every tune in exactly one, duplicates together."""
    melodies = collection.melodies() if isinstance(collection, Collection) else list(collection)
    if not 2 <= k <= len(melodies):
        raise ConfigError(f"folds must be 2..{len(melodies)} (the tunes), got {k}")
    tune_groups = groups(melodies)
    order = np.random.default_rng(seed).permutation(len(tune_groups))
    folds: list[list[int]] = [[] for _ in range(k)]
    for index in order:
        smallest = min(range(k), key=lambda fold: len(folds[fold]))
        folds[smallest].extend(tune_groups[index])
    return [sorted(fold) for fold in folds]


@dataclass(frozen=True)
class Split:
    """Tune indices of the three parts (each sorted)."""

    train: list[int]
    validation: list[int]
    test: list[int]


def split(collection: Collection | Sequence[Melody], validation: float = 0.1, test: float = 0.0,
          seed: int = 0) -> Split:
    """Train, validation and test parts holding about these shares of the tunes (duplicates
    together). Built from 20 folds: the first ones that reach each share go to test, then to
    validation, the rest to training; a part asked for gets at least one fold."""
    melodies = collection.melodies() if isinstance(collection, Collection) else list(collection)
    if not (0 <= validation < 1 and 0 <= test < 1 and validation + test < 1):
        raise ConfigError(f"validation and test shares must be in [0, 1) and leave tunes to "
                          f"train on, got {validation} and {test}")
    count = min(20, len(melodies))
    folds = k_folds(melodies, count, seed)
    parts: dict[str, list[int]] = {"test": [], "validation": [], "train": []}
    wanted = {"test": test * len(melodies), "validation": validation * len(melodies)}
    for fold in folds:
        name = next((part for part in ("test", "validation")
                     if wanted[part] and len(parts[part]) < wanted[part]), "train")
        parts[name].extend(fold)
    if not parts["train"]:
        raise ConfigError(f"{len(melodies)} tunes are too few to split into these parts")
    return Split(sorted(parts["train"]), sorted(parts["validation"]), sorted(parts["test"]))
