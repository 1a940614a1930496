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


@dataclass(frozen=True)
class TuneCopy:
    """The longest run of a tune's notes found in one reference melody, in any transposition."""

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

    def longest(self, melody: Melody) -> TuneCopy | None:
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

    def _single(self, lengths) -> TuneCopy | None:
        for start, length in enumerate(lengths):
            for number, tune in enumerate(self._lengths):
                if length in tune:
                    return TuneCopy(1, start + 1, number, tune.index(length) + 1)
        return None

    def _run(self, lengths, pairs, n: int) -> TuneCopy | None:
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
                    return TuneCopy(n, int(start) + 1, tune, local + 1)
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
class TuneStats:
    """How new and how alike a generated tune is: pitches are MIDI numbers, shares 0..1."""

    notes: int                  # pitched notes
    lowest: int | None
    highest: int | None
    key: Key
    in_key: float | None        # share of pitched notes in the key's scale
    copy: TuneCopy | None       # the longest run copied from one training tune
    copied_from: str | None     # that tune's name
    bits: float                 # the model's own bits per note for the tune
    average_bits: float         # the model's bits per note on held-out tunes of its collection
    bars: int                   # whole bars
    full_bars: bool             # every bar full, no note across a bar line
    ends_on_tonic: bool

    @property
    def range(self) -> int:
        return 0 if self.lowest is None else self.highest - self.lowest

    def to_json(self) -> dict:
        copy = self.copy
        return {"notes": self.notes,
                "lowest": None if self.lowest is None else pitch_name(self.lowest),
                "highest": None if self.highest is None else pitch_name(self.highest),
                "range_semitones": self.range, "key": str(self.key),
                "in_key": None if self.in_key is None else round(self.in_key, 4),
                "longest_copy": None if copy is None else
                {"notes": copy.length, "start": copy.start, "tune": self.copied_from,
                 "tune_start": copy.tune_start},
                "bits_per_note": round(self.bits, 4),
                "collection_bits_per_note": round(self.average_bits, 4),
                "bars": self.bars, "full_bars": self.full_bars,
                "ends_on_tonic": self.ends_on_tonic}


def bar_check(melody: Melody) -> tuple[int, bool]:
    """(whole bars, every bar full and no note across a bar line) of a melody (after its
    pickup, if any)."""
    measure, now, across = melody.measure_length, -melody.pickup, False
    for note in melody.notes:
        next_bar = (now // measure + 1) * measure
        across |= now + note.duration > next_bar
        now += note.duration
    bars, rest = divmod(now, measure)
    return int(bars), rest == 0 and not across


def tune_stats(melody: Melody, key: Key, copies: CopyIndex, names: Sequence[str], bits: float,
               average_bits: float) -> TuneStats:
    """The statistics of a generated ``melody`` in ``key`` against the indexed training tunes
    (``names``: theirs, by index)."""
    pitches = [note.pitch for note in melody.notes if note.pitch is not None]
    copy = copies.longest(melody)
    bars, full = bar_check(melody)
    last = pitches[-1] if pitches else None
    return TuneStats(len(pitches), min(pitches, default=None), max(pitches, default=None), key,
                     sum(p % 12 in key.scale for p in pitches) / len(pitches) if pitches else None,
                     copy, names[copy.tune] if copy else None, bits, average_bits, bars, full,
                     last is not None and last % 12 == key.tonic)
