"""Numbers that help judge a melody against the song a model learnt.

- pitch range: lowest and highest pitch, and the span in semitones;
- pitch-class entropy: how evenly the notes spread over the 12 pitch classes, in bits
  (0 = one pitch class only, log2(12) = 3.585 = all twelve equally often), notes counted once each;
- in scale: the share of notes whose pitch class is in the song's scale (``song_key``);
- longest copy: the longest run of consecutive notes (pitch and length, rests included) that
  also occurs, in the same order, in the training song.

Rests count for the longest copy only.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .note import PITCH_CLASS_NAMES, Melody, Note, pitch_name

# Krumhansl & Kessler (1982) probe-tone ratings of the 12 pitch classes, tonic first: the
# profiles of the Krumhansl-Schmuckler key finder (music21's KrumhanslSchmuckler uses the same).
MAJOR_PROFILE = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
MINOR_PROFILE = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
SCALE_STEPS = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}  # natural minor
PROFILES = {"major": MAJOR_PROFILE, "minor": MINOR_PROFILE}


@dataclass(frozen=True)
class Key:
    """A major or (natural) minor key."""

    tonic: int   # pitch class 0..11, 0 = C
    mode: str    # "major" or "minor"

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


@dataclass(frozen=True)
class Copy:
    """A run of consecutive notes found, in order, in the training song."""

    length: int      # notes
    start: int       # 1-based position of its first note in the melody
    song_start: int  # 1-based position of its first note in the song


def longest_copy(notes: Sequence[Note], song: Sequence[Note]) -> Copy | None:
    """The longest run of ``notes`` that also occurs in ``song`` (the earliest one on ties), or
    None when no note of ``notes`` is in the song."""
    best = None
    previous = [0] * (len(song) + 1)  # run lengths ending at the previous note, per song position
    for i, note in enumerate(notes):
        current = [0] * (len(song) + 1)
        for j, other in enumerate(song, start=1):
            if note == other:
                current[j] = previous[j - 1] + 1
                if best is None or current[j] > best[0]:
                    best = (current[j], i + 2 - current[j], j + 1 - current[j])
        previous = current
    return Copy(*best) if best else None


@dataclass(frozen=True)
class MelodyStats:
    """What ``melody_stats`` finds; pitches are MIDI numbers, shares are 0..1."""

    notes: int                  # pitched notes (rests not counted)
    lowest: int | None          # None without pitched notes
    highest: int | None
    pitch_class_entropy: float  # bits
    key: Key | None             # the training song's key, whose scale ``in_scale`` measures
    in_scale: float | None      # share of pitched notes in the key's scale
    longest_copy: Copy | None   # longest run of notes also in the training song

    @property
    def range(self) -> int:
        """Highest minus lowest pitch, in semitones (0 without pitched notes)."""
        return 0 if self.lowest is None else self.highest - self.lowest

    def to_json(self) -> dict:
        copy = self.longest_copy
        return {
            "notes": self.notes,
            "lowest": None if self.lowest is None else pitch_name(self.lowest),
            "highest": None if self.highest is None else pitch_name(self.highest),
            "range_semitones": self.range,
            "pitch_class_entropy_bits": round(self.pitch_class_entropy, 4),
            "key": str(self.key) if self.key else None,
            "in_scale": None if self.in_scale is None else round(self.in_scale, 4),
            "longest_copy": None if copy is None else
            {"notes": copy.length, "start": copy.start, "song_start": copy.song_start},
        }


def pitch_class_entropy(pitches: Sequence[int]) -> float:
    """Shannon entropy of the pitch classes of ``pitches`` (MIDI numbers), in bits."""
    counts = Counter(pitch % 12 for pitch in pitches)
    total = sum(counts.values())
    return sum(-n / total * math.log2(n / total) for n in counts.values()) + 0.0  # -0.0 -> 0.0


def melody_stats(notes: Sequence[Note], song: Melody, key: Key | None = None) -> MelodyStats:
    """Statistics of ``notes`` against the training ``song`` (``key``: ``song_key(song)``,
    passed in to compute it once for many melodies)."""
    key = key if key is not None else song_key(song)
    pitches = [note.pitch for note in notes if note.pitch is not None]
    in_scale = None
    if pitches and key is not None:
        in_scale = sum(pitch % 12 in key.scale for pitch in pitches) / len(pitches)
    return MelodyStats(
        notes=len(pitches),
        lowest=min(pitches) if pitches else None,
        highest=max(pitches) if pitches else None,
        pitch_class_entropy=pitch_class_entropy(pitches),
        key=key,
        in_scale=in_scale,
        longest_copy=longest_copy(notes, song.notes),
    )
