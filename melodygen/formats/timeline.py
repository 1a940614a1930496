"""Timed notes -> one melody line: the highest voice (skyline), the 32nd-note grid, rests.

The readers (``midi.from_midi``, ``musicxml.from_score``) turn a file into ``Timed`` notes,
start and end in quarter notes from the beginning of the piece, and ``melody_line`` makes the
notes melodygen trains on:

1. grid:    starts and ends move to the nearest 32nd note (``GRID``); a note that had to move
            is reported in one ``MelodyWarning`` naming the first such note. A note that
            shrinks to nothing (shorter than half a 32nd) is dropped and reported.
2. skyline: where notes overlap, the highest note sounding at each onset is kept; a lower
            note starting under a higher one that outlasts it is dropped, a higher note cuts
            the one sounding short. Any change is reported in one ``MelodyWarning``.
3. rests:   a gap between two notes, or before the first, is one rest; a melody never ends
            with a rest (see ``tidy_rests``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from fractions import Fraction

from ..core.errors import MelodyError, MelodyWarning
from ..core.note import Note, pitch_name

GRID = Fraction(1, 8)  # quarter notes: the 32nd note, the shortest length of the notation
TEMPO_RANGE = (10, 400)  # quarter notes per minute that a Melody accepts


@dataclass(frozen=True)
class Timed:
    """A note as a file holds it: start and end in quarter notes from the start of the piece."""

    start: Fraction
    end: Fraction
    pitch: int  # MIDI note number


def on_grid(length: Fraction) -> bool:
    return length % GRID == 0


def snap(time: Fraction) -> Fraction:
    """Quarter notes -> the nearest 32nd note (halves round to even, as ``round`` does)."""
    return round(Fraction(time) / GRID) * GRID


def tidy_rests(notes) -> list[Note]:
    """Adjacent rests joined into one, and rests at the end dropped.

    A MIDI file has no rests, only time between notes, so two rests in a row and a final rest
    cannot survive a round trip through it; every reader and the song parser give melodies in
    this form.
    """
    out: list[Note] = []
    for note in notes:
        if note.is_rest and out and out[-1].is_rest:
            out[-1] = Note(None, out[-1].duration + note.duration)
        else:
            out.append(note)
    while out and out[-1].is_rest:
        out.pop()
    return out


def melody_line(timed, source: str) -> list[Note]:
    """Timed notes (any order, overlaps allowed) -> notes and rests of one voice on the grid."""
    dropped = 0
    # (start, end, pitch, the Timed note as the file had it when it had to move, else None)
    events: list[tuple[Fraction, Fraction, int, Timed | None]] = []
    for note in sorted(timed, key=lambda n: (n.start, -n.pitch)):
        start, end = snap(note.start), snap(note.end)
        if end <= start:
            dropped += 1
            continue
        events.append((start, end, note.pitch, None if (start, end) == (note.start, note.end) else note))
    if not events:
        raise MelodyError("no melodic notes longer than a 32nd note" if dropped
                          else "no melodic notes (empty, or drums only)", source=source)

    line: list[list] = []  # [start, end, pitch, moved] of the voice kept
    polyphonic = False     # a note was dropped or cut short by the skyline
    for start, end, pitch, moved in events:
        if line and line[-1][0] == start:  # same onset, lower or equal pitch (sorted): a chord
            polyphonic = True
            continue
        if line and line[-1][1] > start:   # the previous note still sounds
            if pitch < line[-1][2] and line[-1][1] >= end:
                polyphonic = True          # hidden under a higher, longer note
                continue
            line[-1][1] = start            # cut short by the new note
            polyphonic = True
        line.append([start, end, pitch, moved])

    notes: list[Note] = []
    first_moved = None  # (position in the melody, the note as the file had it)
    now = Fraction(0)
    for start, end, pitch, moved in line:
        if start > now:
            notes.append(Note(None, start - now))
        notes.append(Note(pitch, end - start))
        if moved and first_moved is None:
            first_moved = (len(notes), moved)
        now = end
    moved_count = sum(moved is not None for *_, moved in events)
    if moved_count:
        message = (f"{source}: {moved_count} note{'s' if moved_count > 1 else ''} did not fit the "
                   "32nd-note grid and moved to it")
        if first_moved:
            position, note = first_moved
            message += (f"; the first: note {position}, {pitch_name(note.pitch)} at quarter note "
                        f"{_decimal(note.start)} lasting {_decimal(note.end - note.start)}")
        warnings.warn(MelodyWarning(message), stacklevel=3)
    if dropped:
        warnings.warn(MelodyWarning(f"{source}: {dropped} note{'s' if dropped > 1 else ''} shorter "
                                    "than a 32nd note dropped"), stacklevel=3)
    if polyphonic:
        warnings.warn(MelodyWarning(f"{source}: several notes sound at once; kept the highest voice "
                                    "(skyline)"), stacklevel=3)
    return tidy_rests(notes)


def usable_tempo(bpm: float, source: str) -> float:
    """A file's tempo (quarter notes per minute) moved into ``TEMPO_RANGE``, with a warning."""
    low, high = TEMPO_RANGE
    if low <= bpm <= high:
        return bpm
    clamped = float(min(max(bpm, low), high))
    warnings.warn(MelodyWarning(f"{source}: tempo {bpm:g} bpm is outside {low}..{high}; using "
                                f"{clamped:g}"), stacklevel=3)
    return clamped


def first_value(values: list, source: str, what: str, show=None):
    """The first of a file's ``values`` (a tempo, a time signature, in song order), with a
    warning when a later one differs; None when there are none. ``show`` names the value kept."""
    if not values:
        return None
    first = values[0]
    if any(value != first for value in values[1:]):
        kept = f", {show(first)}" if show else ""
        warnings.warn(MelodyWarning(f"{source}: the {what} changes during the song; kept the "
                                    f"first{kept}"), stacklevel=4)
    return first


def _decimal(time: Fraction) -> str:
    """A time for a message: 5/2 -> '2.5', 1/3 -> '0.333'."""
    return f"{float(time):.3f}".rstrip("0").rstrip(".")
