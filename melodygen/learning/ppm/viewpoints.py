"""IDyOM's viewpoints of a melody's notes: what each note is, seen one way (Conklin & Witten 1995;
Pearce 2005, ch. 5; IDyOM 1.7.1 ``viewpoints/melody/*.lisp``).

A viewpoint maps a note, given the notes before it in its song, to an element, or to nothing
(undefined: IDyOM's ``+undefined+``; a viewpoint's sequence leaves those notes out, so its model
neither predicts nor learns them). Every element is an integer here; times in ticks
(``events.py``).

    name          element of note i (p: its pitch)                          undefined
    cpitch        p                                                         -
    cpitch-class  p mod 12                                                  -
    cpint         p - p[i-1]                                                first note
    cpint-size    |cpint|                                                   first note
    contour       sign(cpint): -1, 0, 1                                     first note
    cpcint        cpint mod 12 keeping its sign (-14 -> -2)                 first note
    cpintfref     (p - tonic) mod 12                                        no tonic
    cpintfip      p - p[0]                                                  first note
    cpintfib      p - the pitch of the last note before it on a bar line    on a bar line, or
                                                                            none before
    inscale       1 if p is in the key signature's scale (A minor: the      no tonic or mode
                  white keys), else 0
    tessitura     0 below 66, 2 above 74, else 1 (Bach's sopranos)          -
    dur           duration                                                  -
    deltast       the rest before it                                        -
    bioi          onset - onset[i-1], 0 for the first note                  -
    ioi           onset - onset[i-1]                                        first note
    dur-ratio     duration / duration[i-1] (a fraction)                     first note
    posinbar      onset mod bar                                             -
    fib           1 if posinbar = 0 (first in bar) else 0                   -
    tactus        1 if onset mod (bar / pulses) = 0 (on a beat) else 0      -
    barlength     bar; pulses: pulses; referent: tonic; mode: mode           referent, mode:
                                                                            no key
    thr-cpint-fib     cpint from the last note before it with fib = 1       fib = 0, or none
    thr-cpint-tactus  the same with tactus (IDyOM's threaded viewpoints)    before
    thrbar        (thr-cpint-fib, the ticks between the two notes):        as thr-cpint-fib
    thrtactus     Pearce's threaded types, [cpint] x Z+ (2005, table 5.2)   as thr-cpint-tactus

A linked viewpoint ``a*b`` (Conklin & Witten's product, ``a⊗b``) has the tuple of its
components' elements, undefined where one of them is. Every viewpoint whose elements depend on
the pitch (``PITCHED``) can predict the pitch: for each pitch of the alphabet, the element the
note would have with that pitch and its real duration, onset and key (``candidates``).
Not built, for want of what melodygen keeps of a melody: phrase boundaries (fiph, liph,
cpintfiph, thrfiph, thrliph, phraselength: IDyOM reads them from **kern's phrase marks or
fermatas), the key signature as a count of sharps (keysig: the tonic and mode stand for it),
spelled pitch (mpitch, accidental), dynamics and articulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ...core.errors import ConfigError
from .events import Events

UNDEFINED = np.iinfo(np.int64).min  # an element no note has: IDyOM's +undefined+
LINK = "*"                          # "cpint*dur": cpint linked with dur


@dataclass(frozen=True, eq=False)
class Notes:
    """Many songs' events one after another: every field (notes,), the songs' own repeated."""

    pitch: np.ndarray
    duration: np.ndarray
    onset: np.ndarray
    bar: np.ndarray
    pulses: np.ndarray
    tonic: np.ndarray      # -1: none
    mode: np.ndarray       # 0 major, 9 minor, -1: none
    previous: np.ndarray   # index of the note before in the same song, -1 for a song's first
    first: np.ndarray      # index of the song's first note
    lengths: np.ndarray    # (songs,) notes per song

    @classmethod
    def of(cls, songs: Sequence[Events]) -> "Notes":
        lengths = np.array([len(song) for song in songs], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        index = np.arange(int(lengths.sum()))
        first = np.repeat(starts, lengths)

        def joined(field: str) -> np.ndarray:
            return np.concatenate([getattr(song, field) for song in songs]
                                  + [np.zeros(0, np.int64)]).astype(np.int64)

        def each(values) -> np.ndarray:
            return np.repeat(np.array(values, dtype=np.int64), lengths)

        return cls(joined("pitch"), joined("duration"), joined("onset"),
                   each([song.bar for song in songs]), each([song.pulses for song in songs]),
                   each([-1 if song.tonic is None else song.tonic for song in songs]),
                   each([-1 if song.mode is None else song.mode for song in songs]),
                   np.where(index > first, index - 1, -1), first, lengths)

    def __len__(self) -> int:
        return len(self.pitch)

    def last_before(self, flags: np.ndarray) -> np.ndarray:
        """For each note, the index of the last note before it in its song whose ``flags`` is
        true, -1 when none."""
        marked = np.where(flags, np.arange(len(self)), -1)
        running = np.maximum.accumulate(marked) if len(marked) else marked
        before = np.where(self.previous >= 0, running[np.maximum(self.previous, 0)], -1)
        return np.where(before >= self.first, before, -1)


# A viewpoint's function: (notes, rows, pitch) -> elements, UNDEFINED where undefined. ``pitch``
# is (len(rows),) or (len(rows), P): the pitch each note is given (its own, or each candidate);
# the result has pitch's shape (an element that does not depend on the pitch is broadcast).
Function = Callable[[Notes, np.ndarray, np.ndarray], np.ndarray]


def _column(values: np.ndarray, pitch: np.ndarray) -> np.ndarray:
    """Per-row ``values`` shaped to broadcast with ``pitch``."""
    return values.reshape((-1,) + (1,) * (pitch.ndim - 1))


def _defined(condition: np.ndarray, values: np.ndarray, pitch: np.ndarray) -> np.ndarray:
    return np.broadcast_to(np.where(condition, values, UNDEFINED), pitch.shape).copy()


def _before(notes: Notes, rows: np.ndarray, attribute: np.ndarray, index: np.ndarray,
            pitch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(is there a note at ``index`` (-1: none), its ``attribute``), shaped for ``pitch``."""
    there = _column(index[rows] >= 0, pitch)
    return there, _column(attribute[np.maximum(index[rows], 0)], pitch)


def _cpint(notes: Notes, rows, pitch) -> np.ndarray:
    there, before = _before(notes, rows, notes.pitch, notes.previous, pitch)
    return _defined(there, pitch - before, pitch)


def _signed_mod12(interval: np.ndarray) -> np.ndarray:
    return np.where(interval == UNDEFINED, UNDEFINED, np.sign(interval) * (np.abs(interval) % 12))


def _of_interval(function) -> Function:
    def derived(notes, rows, pitch):
        interval = _cpint(notes, rows, pitch)
        return np.where(interval == UNDEFINED, UNDEFINED, function(interval))
    return derived


def _cpintfref(notes, rows, pitch):
    tonic = _column(notes.tonic[rows], pitch)
    return _defined(tonic >= 0, (pitch - tonic) % 12, pitch)


def _cpintfip(notes, rows, pitch):
    there = _column(notes.previous[rows] >= 0, pitch)
    return _defined(there, pitch - _column(notes.pitch[notes.first[rows]], pitch), pitch)


def _inscale(notes, rows, pitch):
    """1 if the pitch class is in the key signature's scale (IDyOM's ``diatonic-set``: the
    major scale rotated by the mode, from the tonic; A minor: A B C D E F G), else 0."""
    tonic, mode = _column(notes.tonic[rows], pitch), _column(notes.mode[rows], pitch)
    degree = (pitch - tonic + mode) % 12                      # as a degree of the major scale
    inside = np.isin(degree, (0, 2, 4, 5, 7, 9, 11)).astype(np.int64)
    return _defined((tonic >= 0) & (mode >= 0), inside, pitch)


def _posinbar(notes: Notes) -> np.ndarray:
    return notes.onset % notes.bar


def _fib(notes: Notes) -> np.ndarray:
    return (_posinbar(notes) == 0).astype(np.int64)


def _tactus(notes: Notes) -> np.ndarray:
    return (notes.onset % (notes.bar // notes.pulses) == 0).astype(np.int64)


def _cpintfib(notes, rows, pitch):
    fib = _fib(notes)
    there, before = _before(notes, rows, notes.pitch, notes.last_before(fib == 1), pitch)
    return _defined(there & _column(fib[rows] == 0, pitch), pitch - before, pitch)


def _threaded(test: Callable[[Notes], np.ndarray], with_time: bool) -> Function:
    """IDyOM's ``define-threaded-viewpoint`` of cpint by a test viewpoint: the interval from the
    last note before on which the test holds, defined on the notes where it holds; with
    ``with_time``, Pearce's (2005) threaded type: linked with the ticks between the two."""
    def threaded(notes, rows, pitch):
        holds = test(notes) == 1
        index = notes.last_before(holds)
        there, before = _before(notes, rows, notes.pitch, index, pitch)
        defined = there & _column(holds[rows], pitch)
        interval = _defined(defined, pitch - before, pitch)
        if not with_time:
            return interval
        _, then = _before(notes, rows, notes.onset, index, pitch)
        return _pair(interval, _defined(defined, _column(notes.onset[rows], pitch) - then, pitch))
    return threaded


def _rhythm(function: Callable[[Notes, np.ndarray], np.ndarray]) -> Function:
    """A viewpoint of the note's time alone: the same element whatever its pitch."""
    def timed(notes, rows, pitch):
        return np.broadcast_to(_column(function(notes, rows), pitch), pitch.shape).copy()
    return timed


def _ioi(notes: Notes, rows: np.ndarray) -> np.ndarray:
    previous = notes.previous[rows]
    gap = notes.onset[rows] - notes.onset[np.maximum(previous, 0)]
    return np.where(previous >= 0, gap, UNDEFINED)


def _deltast(notes: Notes, rows: np.ndarray) -> np.ndarray:
    """The rest before each note: 0 for a song's first (IDyOM's ``deltast``)."""
    previous = np.maximum(notes.previous[rows], 0)
    rest = notes.onset[rows] - notes.onset[previous] - notes.duration[previous]
    return np.where(notes.previous[rows] >= 0, rest, 0)


def _dur_ratio(notes: Notes, rows: np.ndarray) -> np.ndarray:
    previous = notes.previous[rows]
    numerator = notes.duration[rows]
    denominator = notes.duration[np.maximum(previous, 0)]
    common = np.gcd(numerator, denominator)
    return np.where(previous >= 0, _pair(numerator // common, denominator // common), UNDEFINED)


def _pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One integer for two (each below 2**31 in size), UNDEFINED where either is."""
    joined = (a << 32) + (b & 0xFFFFFFFF)
    return np.where((a == UNDEFINED) | (b == UNDEFINED), UNDEFINED, joined)


@dataclass(frozen=True)
class Viewpoint:
    """One of IDyOM's viewpoints (see the module's table)."""

    name: str
    function: Function
    pitched: bool  # its elements depend on the pitch (cpitch is in its type set)


_TABLE = [
    Viewpoint("cpitch", lambda notes, rows, pitch: pitch.copy(), True),
    Viewpoint("cpitch-class", lambda notes, rows, pitch: pitch % 12, True),
    Viewpoint("cpint", _cpint, True),
    Viewpoint("cpint-size", _of_interval(np.abs), True),
    Viewpoint("contour", _of_interval(np.sign), True),
    Viewpoint("cpcint", _of_interval(_signed_mod12), True),
    Viewpoint("cpintfref", _cpintfref, True),
    Viewpoint("cpintfip", _cpintfip, True),
    Viewpoint("cpintfib", _cpintfib, True),
    Viewpoint("inscale", _inscale, True),
    Viewpoint("tessitura", lambda notes, rows, pitch: np.where(pitch < 66, 0,
                                                               np.where(pitch > 74, 2, 1)), True),
    Viewpoint("thr-cpint-fib", _threaded(_fib, False), True),
    Viewpoint("thr-cpint-tactus", _threaded(_tactus, False), True),
    Viewpoint("thrbar", _threaded(_fib, True), True),
    Viewpoint("thrtactus", _threaded(_tactus, True), True),
    Viewpoint("dur", _rhythm(lambda notes, rows: notes.duration[rows]), False),
    Viewpoint("deltast", _rhythm(_deltast), False),
    Viewpoint("bioi", _rhythm(lambda notes, rows: np.where(notes.previous[rows] >= 0,
                                                           _ioi(notes, rows), 0)), False),
    Viewpoint("ioi", _rhythm(_ioi), False),
    Viewpoint("dur-ratio", _rhythm(_dur_ratio), False),
    Viewpoint("posinbar", _rhythm(lambda notes, rows: _posinbar(notes)[rows]), False),
    Viewpoint("fib", _rhythm(lambda notes, rows: _fib(notes)[rows]), False),
    Viewpoint("tactus", _rhythm(lambda notes, rows: _tactus(notes)[rows]), False),
    Viewpoint("barlength", _rhythm(lambda notes, rows: notes.bar[rows]), False),
    Viewpoint("pulses", _rhythm(lambda notes, rows: notes.pulses[rows]), False),
    Viewpoint("referent", _rhythm(lambda notes, rows: np.where(notes.tonic[rows] >= 0,
                                                               notes.tonic[rows], UNDEFINED)),
              False),
    Viewpoint("mode", _rhythm(lambda notes, rows: np.where(notes.mode[rows] >= 0,
                                                           notes.mode[rows], UNDEFINED)), False),
]
VIEWPOINTS = {viewpoint.name: viewpoint for viewpoint in _TABLE}
PITCHED = tuple(viewpoint.name for viewpoint in _TABLE if viewpoint.pitched)


def components(name: str) -> tuple[Viewpoint, ...]:
    """The viewpoints a (linked) name is made of: "cpint*dur" -> (cpint, dur); an unknown one
    is a ``ConfigError`` naming it."""
    parts = name.split(LINK)
    for part in parts:
        if part not in VIEWPOINTS:
            raise ConfigError(f"unknown viewpoint {part!r} in {name!r}; known: "
                              + ", ".join(VIEWPOINTS))
    if len(set(parts)) != len(parts):
        raise ConfigError(f"viewpoint {name!r} links one viewpoint with itself")
    return tuple(VIEWPOINTS[part] for part in parts)


def predicts_pitch(name: str) -> bool:
    """Whether a (linked) viewpoint can predict the pitch: one of its components is pitched."""
    return any(part.pitched for part in components(name))


def elements(name: str, notes: Notes, rows: np.ndarray, pitch: np.ndarray) -> np.ndarray:
    """The (linked) viewpoint's raw elements of the notes ``rows`` given ``pitch`` ((len(rows),)
    or (len(rows), P)): int64 of shape pitch.shape + (components,), UNDEFINED where undefined."""
    return np.stack([part.function(notes, rows, pitch) for part in components(name)], axis=-1)


def encode(*arrays: np.ndarray) -> tuple[list[np.ndarray], int]:
    """Raw elements (each (..., components), as ``elements`` gives them) -> indices into one
    alphabet over all the arrays, the elements sorted, -1 where undefined: (the index arrays,
    each of shape (...), the alphabet's size V)."""
    flat = [array.reshape(-1, array.shape[-1]) for array in arrays]
    defined = [~(array == UNDEFINED).any(axis=1) for array in flat]
    values = np.concatenate([array[mask] for array, mask in zip(flat, defined)])
    code = np.zeros(len(values), dtype=np.int64)   # the components in mixed radix: sorts alike
    for column in values.T:
        kinds, index = np.unique(column, return_inverse=True)
        code = code * len(kinds) + index.ravel()
    alphabet, inverse = np.unique(code, return_inverse=True)
    inverse = inverse.ravel()
    out, at = [], 0
    for array, mask, original in zip(flat, defined, arrays):
        index = np.full(len(array), -1, dtype=np.int64)
        index[mask] = inverse[at:at + int(mask.sum())]
        at += int(mask.sum())
        out.append(index.reshape(original.shape[:-1]))
    return out, len(alphabet)
