"""Numbers that say how a new melody compares with the melodies its model learnt (its
reference), the same for a melody of a model of one song and a tune of a model of a collection:

- range: lowest and highest pitch, and the span in semitones;
- pitch-class entropy: how evenly the notes spread over the 12 pitch classes, in bits (0 = one
  pitch class only, log2(12) = 3.585 = all twelve equally often), notes counted once each;
- in key: the share of notes whose pitch class is in the key's scale;
- longest copy: the longest run of consecutive new notes (a primer is not the model's) that
  also occurs in one reference melody, in any transposition (the same lengths and the same
  intervals between consecutive pitches; rests are no notes here);
- bits per note: the model's own surprise at the new notes, beside its surprise at real melodies
  it did not learn (a model of a collection's held-out tunes), when known;
- bars: whole bars, every bar full, and whether the melody ends on the key's tonic.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from ..core.keys import Key
from ..core.note import Melody, Note, pitch_name


@dataclass(frozen=True)
class Copy:
    """The longest run of a melody's notes found in one reference melody, in any transposition."""

    length: int        # notes
    start: int         # 1-based position of its first note in the tune (pitched notes only)
    tune: int          # which reference melody (0-based)
    tune_start: int    # 1-based position of its first note there (pitched notes only)


class CopyIndex:
    """Reference melodies indexed to find the longest run of a new tune's notes that also occurs
    in one of them, in any transposition: the same lengths and the same intervals between
    consecutive pitches (rests are no notes here).

    A run of n notes is its first note's length and n-1 pairs (interval from the note before,
    length). Runs are compared by a rolling hash of their pairs modulo 2**64, every hash match
    is checked pair by pair, and the longest n is found by bisection: a few passes over the
    reference's notes per tune, in numpy.
    """

    def __init__(self, reference: Sequence[Melody]) -> None:
        import numpy as np

        self._pairs: dict = {}
        encoded = [self._encode(melody, grow=True) for melody in reference]
        self._lengths = [lengths for lengths, _ in encoded]
        starts, text = [0], []
        for number, (_, pairs) in enumerate(encoded):  # each tune's pairs, then a separator
            text += list(pairs) + [2 ** 63 + number]   # of its own: no run crosses two tunes
            starts.append(len(text))
        self._starts = np.array(starts)
        self._text = np.array(text, dtype=np.uint64)
        self._prefix, self._inverse = _prefix_hashes(self._text)

    def _encode(self, melody: Melody, grow: bool = False):
        """(the lengths of the pitched notes, the ids of their pairs); an unknown pair is 0."""
        notes = [note for note in melody.notes if note.pitch is not None]
        pairs = []
        for previous, note in zip(notes, notes[1:]):
            key = (note.pitch - previous.pitch, note.duration)
            pairs.append(self._pairs.setdefault(key, len(self._pairs) + 1) if grow
                         else self._pairs.get(key, 0))
        return [note.duration for note in notes], pairs

    def longest(self, melody: Melody) -> Copy | None:
        """The longest copied run of ``melody``'s notes (the earliest of equals), or None when
        it has no note a reference melody has a note of the same length of."""
        lengths, pairs = self._encode(melody)
        best = self._single(lengths)
        low, high = 2, len(lengths)
        while best is not None and low <= high:
            middle = (low + high) // 2
            found = self._run(lengths, pairs, middle)
            if found is None:
                high = middle - 1
            else:
                best, low = found, middle + 1
        return best

    def _single(self, lengths) -> Copy | None:
        for start, length in enumerate(lengths):
            for number, tune in enumerate(self._lengths):
                if length in tune:
                    return Copy(1, start + 1, number, tune.index(length) + 1)
        return None

    def _run(self, lengths, pairs, n: int) -> Copy | None:
        """The first run of ``n`` notes of the tune that a reference melody holds, or None."""
        import numpy as np

        query = np.array(pairs, dtype=np.uint64)
        prefix, inverse = _prefix_hashes(query)
        wanted = _hashes(prefix, inverse, n - 1)       # per start: its n-1 pairs
        held = _hashes(self._prefix, self._inverse, n - 1)
        ordered = np.sort(held)
        at = np.minimum(np.searchsorted(ordered, wanted), max(len(ordered) - 1, 0))
        matched = ordered[at] == wanted if len(ordered) else np.zeros(len(wanted), dtype=bool)
        for start in np.flatnonzero(matched):
            if 0 in pairs[start:start + n - 1]:
                continue
            for place in np.flatnonzero(held == wanted[start]):
                tune = int(np.searchsorted(self._starts, place, side="right")) - 1
                local = int(place - self._starts[tune])
                if np.array_equal(self._text[place:place + n - 1], query[start:start + n - 1]) \
                        and self._lengths[tune][local] == lengths[start]:
                    return Copy(n, int(start) + 1, tune, local + 1)
        return None


def _prefix_hashes(values):
    """Prefix hashes of ``values`` (uint64) modulo 2**64 with an odd base, and the powers of the
    base's inverse: the hash of values[i:i+n] is (P[i+n] - P[i]) * inverse[i]."""
    import numpy as np

    base = 0x9E3779B97F4A7C15  # odd: invertible modulo 2**64
    powers = np.full(len(values), np.uint64(base))
    inverses = np.full(len(values), np.uint64(pow(base, -1, 2 ** 64)))
    with np.errstate(over="ignore"):
        power = np.concatenate([[np.uint64(1)], np.cumprod(powers, dtype=np.uint64)])
        inverse = np.concatenate([[np.uint64(1)], np.cumprod(inverses, dtype=np.uint64)])
        prefix = np.concatenate([[np.uint64(0)],
                                 np.cumsum(values.astype(np.uint64) * power[:-1],
                                           dtype=np.uint64)])
    return prefix, inverse


def _hashes(prefix, inverse, n: int):
    """The hash of every run of ``n`` values: (len - n + 1,) uint64 (none when n > len)."""
    import numpy as np

    count = len(prefix) - n
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return (prefix[n:n + count] - prefix[:count]) * inverse[:count]


@dataclass(frozen=True)
class MelodyStats:
    """How a new melody compares with its model's reference (see the module): pitches are MIDI
    numbers, shares 0..1, bits per note."""

    notes: int                     # pitched notes
    lowest: int | None             # None without pitched notes
    highest: int | None
    pitch_class_entropy: float     # bits
    key: Key | None                # the key whose scale ``in_key`` measures
    in_key: float | None           # share of pitched notes in the key's scale
    copy: Copy | None              # the longest run copied from one reference melody
    copied_from: str | None        # that melody's name
    bars: int                      # whole bars (after the pickup)
    full_bars: bool                # every bar full, no note across a bar line
    ends_on_tonic: bool
    bits: float | None = None      # the model's own bits per note for the new notes
    reference_bits: float | None = None  # the model's bits per note on real melodies it did
                                         # not learn, when known

    @property
    def range(self) -> int:
        """Highest minus lowest pitch, in semitones (0 without pitched notes)."""
        return 0 if self.lowest is None else self.highest - self.lowest

    def to_json(self) -> dict:
        copy = self.copy
        return {"notes": self.notes,
                "lowest": None if self.lowest is None else pitch_name(self.lowest),
                "highest": None if self.highest is None else pitch_name(self.highest),
                "range_semitones": self.range,
                "pitch_class_entropy_bits": round(self.pitch_class_entropy, 4),
                "key": None if self.key is None else str(self.key),
                "in_key": None if self.in_key is None else round(self.in_key, 4),
                "longest_copy": None if copy is None else
                {"notes": copy.length, "start": copy.start, "melody": self.copied_from,
                 "melody_start": copy.tune_start},
                "bars": self.bars, "full_bars": self.full_bars,
                "ends_on_tonic": self.ends_on_tonic,
                "bits_per_note": None if self.bits is None else round(self.bits, 4),
                "reference_bits_per_note": None if self.reference_bits is None
                else round(self.reference_bits, 4)}


def pitch_class_entropy(pitches: Sequence[int]) -> float:
    """Shannon entropy of the pitch classes of ``pitches`` (MIDI numbers), in bits."""
    counts = Counter(pitch % 12 for pitch in pitches)
    total = sum(counts.values())
    return sum(-n / total * math.log2(n / total) for n in counts.values()) + 0.0  # -0.0 -> 0.0


def bar_check(melody: Melody) -> tuple[int, bool]:
    """(whole bars, every bar full and no note across a bar line) of a melody (after its
    pickup, if any; a last bar short by the pickup, as tunes with one are written, is whole)."""
    measure, now, across = melody.measure_length, -melody.pickup, False
    for note in melody.notes:
        next_bar = (now // measure + 1) * measure
        across |= now + note.duration > next_bar
        now += note.duration
    bars, rest = divmod(now, measure)
    if rest and rest + melody.pickup == measure:
        bars, rest = bars + 1, 0
    return int(bars), rest == 0 and not across


def melody_stats(melody: Melody, key: Key | None, copies: CopyIndex | None = None,
                 names: Sequence[str] = (), new: Sequence[Note] | None = None,
                 bits: float | None = None, reference_bits: float | None = None) -> MelodyStats:
    """The statistics of ``melody`` in ``key`` against the melodies ``copies`` indexes
    (``names``: theirs, by index; no copies: nothing is compared); ``new``: its notes the model
    chose (default: all), where copies are looked for."""
    pitches = [note.pitch for note in melody.notes if note.pitch is not None]
    chosen = melody if new is None else melody.with_notes(new)
    copy = copies.longest(chosen) if copies is not None else None
    bars, full = bar_check(melody)
    in_key = None
    if pitches and key is not None:
        in_key = sum(p % 12 in key.scale for p in pitches) / len(pitches)
    return MelodyStats(len(pitches), min(pitches, default=None), max(pitches, default=None),
                       pitch_class_entropy(pitches), key, in_key, copy,
                       names[copy.tune] if copy else None, bars, full,
                       bool(pitches) and key is not None and pitches[-1] % 12 == key.tonic,
                       bits, reference_bits)
