"""The one metric of every model: how well it predicted each note of songs it had not seen.

Per note, a model gives a distribution over the collection's pitches and the probability of the
note as it is (its pitch, and in the task of the whole note its length). A song's score keeps,
per note, ``-log2`` of the probability of the true pitch (its information content, IDyOM's
surprise), of the true note, the entropy of the pitch distribution (how uncertain the model was
before the note) and whether the most likely pitch was right.
A fold's bits per note are the mean over all notes of its test songs; a model's are the mean of
its folds' values, as Pearce (2005) reports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..core.errors import ConfigError


@dataclass(frozen=True)
class SongScore:
    """One test song: per note, bits of the pitch, bits of the note, pitch guessed right, and the
    entropy of the pitch distribution."""

    name: str
    pitch_bits: np.ndarray   # (notes,) -log2 p(true pitch)
    note_bits: np.ndarray    # (notes,) -log2 p(true pitch and length)
    pitch_right: np.ndarray  # (notes,) bool: the most likely pitch was the true one
    entropy: np.ndarray      # (notes,) bits: the entropy of the pitch distribution

    def __len__(self) -> int:
        return len(self.pitch_bits)


def score_song(name: str, pitch_probs: np.ndarray, pitches: Sequence[int],
               note_probs: np.ndarray) -> SongScore:
    """pitch_probs: (notes, alphabet) distributions; pitches: (notes,) the true pitches' indices
    in the alphabet; note_probs: (notes,) the probability of each true note (pitch and length)."""
    pitch_probs = np.asarray(pitch_probs, dtype=np.float64)
    pitches = np.asarray(pitches, dtype=np.int64)
    if pitch_probs.shape[0] != len(pitches) or len(note_probs) != len(pitches):
        raise ConfigError(f"{name}: {pitch_probs.shape[0]} distributions and {len(note_probs)} "
                          f"note probabilities for {len(pitches)} notes")
    true = pitch_probs[np.arange(len(pitches)), pitches]
    return SongScore(name, -np.log2(true), -np.log2(np.asarray(note_probs, dtype=np.float64)),
                     pitch_probs.argmax(axis=1) == pitches, entropy_bits(pitch_probs))


def entropy_bits(probs: np.ndarray) -> np.ndarray:
    """(n, classes) probabilities -> (n,) their entropy in bits."""
    probs = np.asarray(probs, dtype=np.float64)
    return -(probs * np.log2(np.where(probs > 0, probs, 1.0))).sum(axis=-1)


def fold_means(songs: Sequence[SongScore]) -> tuple[float, float, float]:
    """(bits per pitch, bits per note, pitch accuracy) over every note of ``songs``."""
    notes = sum(len(song) for song in songs)
    if not notes:
        raise ConfigError("a fold without notes")
    return (sum(float(song.pitch_bits.sum()) for song in songs) / notes,
            sum(float(song.note_bits.sum()) for song in songs) / notes,
            sum(int(song.pitch_right.sum()) for song in songs) / notes)
