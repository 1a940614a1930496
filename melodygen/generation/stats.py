"""Numbers that help judge a melody against the melodies a model learnt (its reference).

- pitch range: lowest and highest pitch, and the span in semitones;
- pitch-class entropy: how evenly the notes spread over the 12 pitch classes, in bits
  (0 = one pitch class only, log2(12) = 3.585 = all twelve equally often), notes counted once each;
- in scale: the share of notes whose pitch class is in the key's scale (by default the key of
  the reference, ``core.keys.song_key``);
- longest copy: the longest run of consecutive notes (pitch and length, rests included) that
  also occurs, in the same order, in a reference melody.

Rests count for the longest copy only.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from ..core.keys import Key, song_key
from ..core.note import Melody, Note, pitch_name


@dataclass(frozen=True)
class Copy:
    """A run of consecutive notes found, in order, in a reference melody."""

    length: int             # notes
    start: int              # 1-based position of its first note in the melody
    song_start: int         # 1-based position of its first note in the reference melody
    tune: int | None = None  # which reference melody (0-based), when there are several


def longest_copy_in(notes: Sequence[Note], reference: Sequence[Melody]) -> Copy | None:
    """The longest run of ``notes`` found in any melody of ``reference`` (the first melody and
    the earliest run on ties); ``tune`` says which melody when there are several."""
    best = None
    for tune, melody in enumerate(reference):
        copy = longest_copy(notes, melody.notes)
        if copy is not None and (best is None or copy.length > best.length):
            best = copy if len(reference) == 1 else Copy(copy.length, copy.start,
                                                         copy.song_start, tune)
    return best


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
    key: Key | None             # the key whose scale ``in_scale`` measures
    in_scale: float | None      # share of pitched notes in the key's scale
    longest_copy: Copy | None   # longest run of notes also in a reference melody

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
            {"notes": copy.length, "start": copy.start, "song_start": copy.song_start,
             **({} if copy.tune is None else {"tune": copy.tune})},
        }


def pitch_class_entropy(pitches: Sequence[int]) -> float:
    """Shannon entropy of the pitch classes of ``pitches`` (MIDI numbers), in bits."""
    counts = Counter(pitch % 12 for pitch in pitches)
    total = sum(counts.values())
    return sum(-n / total * math.log2(n / total) for n in counts.values()) + 0.0  # -0.0 -> 0.0


def melody_stats(notes: Sequence[Note], reference: Sequence[Melody],
                 key: Key | None = None) -> MelodyStats:
    """Statistics of ``notes`` against the ``reference`` melodies (``key``: by default
    ``song_key`` of the reference's notes, passed in to compute it once for many melodies)."""
    if key is None:
        key = reference_key(reference)
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
        longest_copy=longest_copy_in(notes, reference),
    )


def reference_key(reference: Sequence[Melody]) -> Key | None:
    """The key of the reference melodies taken together (of one song: its ``song_key``)."""
    if len(reference) == 1:
        return song_key(reference[0])
    return song_key(Melody(tuple(note for melody in reference for note in melody.notes)))
