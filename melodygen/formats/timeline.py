"""Timed notes -> one melody line: exact times or a quantize grid, the highest voice, rests.

The readers (``midi.from_midi``, ``musicxml.from_score``) turn a file into ``Timed`` notes,
start and end in quarter notes from the beginning of the piece as exact fractions, and
``melody_line`` makes the notes melodygen trains on. Every step that drops or moves notes says
so in one ``MelodyWarning`` line, with how many of how many of the file's notes:

1. no length: a note that ends where it starts (a grace note, as music21 writes one to MIDI)
   is dropped.
2. times. A written file's times are exact on one of two grids, each of which every writer
   holds (MIDI at 480 ticks a quarter note, MusicXML and the song notation with tuplets):
   ``WRITTEN_GRID``, 1/48 of a quarter note, every note value down to the 64th (a dotted 32nd)
   and every triplet down to the 64th-note triplet; and the notation grid (``NOTATION_GRID``),
   1/120 of a quarter note, every note value down to the 32nd, every triplet (and sextuplet)
   down to the 64th-note triplet and every quintuplet down to the 32nd-note quintuplet. A file
   is on the first unless one of its times is a quintuplet's (on the second only): the two
   together would make lengths no writer holds (a 64th beside a 15th of a quarter note).
   - *Written* files (a score, always; a MIDI file when at least 90% of its onsets are on
     ``WRITTEN_GRID``, or all of them on a grid finer than its ticks, as notation software
     writes them) keep their times exactly; a time off its grid (a septuplet) moves to the
     nearest point.
   - *Played* MIDI (fewer onsets on that grid: recorded from a keyboard) is quantized: onsets
     move to the nearest point of ``PLAYED_GRID``, the 16th note. ``quantize=GRID`` (the
     ``--quantize`` option) sets the grid for any file; see ``quantize_grid``.
3. skyline: the highest voice, kept whole. A note becomes a melody note when, at its onset,
   it is higher than every note still sounding (a note already sounding wins a tie); it then
   cuts the melody note before it short. Chord tones below the top note and notes that start
   under a higher held note are dropped; drums never get here. A written note sounds to its
   end (on the grid), one played short too: a held top note hides the lower notes that start
   under it. A played end within ``LEGATO`` of the next onset of any voice counts as let go
   there (a played line's legato overlap cannot be told from a note held that little longer).
4. ends, within the melody: the end of a score's note, and an end of written MIDI on the
   notation grid, is kept (moved to a coarser grid when one is given). A played end, or an end
   of written MIDI that plays its notes short (``_plays_short``: notation software that plays
   90% of each length, say) off the grid of note values and triplets, follows the *legato
   rule*: within ``LEGATO`` (a 16th note, or one step of a coarser grid) of the melody's next
   onset it moves to that onset, closing a small gap or trimming a small overlap; otherwise it
   moves to the nearest grid point. A note is never shorter than one grid step. The rule looks
   at the melody's own next note only, after step 3: in written MIDI a lower voice's onset
   neither cuts a held melody note nor lets the lower note into the melody.
5. rests: a gap between two notes, or before the first, is one rest; a melody never ends with
   a rest (``tidy_rests``).

Step 2 moves onsets; the one warning of steps 2 and 4 counts the notes moved, of all the
file's: a note whose onset moved, or a melody note whose end did.
"""

from __future__ import annotations

import bisect
import heapq
import re
import warnings
from dataclasses import dataclass, replace
from fractions import Fraction

from ..core.errors import ConfigError, MelodyError, MelodyWarning
from ..core.note import Melody, Note, pitch_name, too_long

NOTATION_GRID = Fraction(1, 120)  # quarter notes: exact times (32nds, triplets, quintuplets)
WRITTEN_GRID = Fraction(1, 48)    # quarter notes: note values to the 64th, triplets to the 64th's
PLAYED_GRID = Fraction(1, 4)    # quarter notes: the default grid of played MIDI, the 16th note
LEGATO = Fraction(1, 4)         # quarter notes: an end this close to the next onset moves to it
WRITTEN_SHARE = Fraction(9, 10)  # a MIDI file with this share of onsets on WRITTEN_GRID is written
LOSS_HINT = Fraction(5, 100)    # a warning that drops more than this share says how to avoid it
AUTO = "auto"
TEMPO_RANGE = (10, 400)  # quarter notes per minute that a Melody accepts
_GRID_NAME = re.compile(r"(?P<value>1|2|4|8|16|32|64)(?P<triplet>t?)")


@dataclass(frozen=True)
class Timed:
    """A note as a file holds it: start and end in quarter notes from the start of the piece."""

    start: Fraction
    end: Fraction
    pitch: int  # MIDI note number


def quantize_grid(grid) -> Fraction | None:
    """A ``--quantize`` value -> the grid step in quarter notes, or None for ``auto``.

    A note value of the notation, ``4 8 16 32 64`` as a string or an int (``16`` = 16th notes,
    1/4 quarter note), with ``t`` for its triplets (``"8t"`` = eighth-note triplets, 1/3 quarter
    note), or a positive step in quarter notes as a Fraction (``Fraction(1, 5)``). ``auto`` (or
    None): written files exact, played MIDI on the 16th note. A bad value is a ``ConfigError``."""
    if grid is None or grid == AUTO:
        return None
    if isinstance(grid, Fraction):
        if grid <= 0:
            raise ConfigError(f"a quantize grid must be positive, got {grid}")
        return grid
    match = _GRID_NAME.fullmatch(str(grid).strip())
    if match is None:
        raise ConfigError(f"unknown quantize grid {grid!r}: give auto, a note value 4, 8, 16, 32 "
                          "or 64, or a triplet 4t, 8t, 16t, 32t")
    step = Fraction(4, int(match["value"]))
    return step * Fraction(2, 3) if match["triplet"] else step


def grid_name(step: Fraction) -> str:
    """A grid step for a message: 1/4 -> '16th-note grid', 1/3 -> 'eighth-triplet grid'."""
    names = {Fraction(4, value): name for value, name in (
        (1, "whole"), (2, "half"), (4, "quarter"), (8, "eighth"), (16, "16th"), (32, "32nd"),
        (64, "64th"))}
    if step in names:
        return f"{names[step]}-note grid"
    if step * Fraction(3, 2) in names:
        return f"{names[step * Fraction(3, 2)]}-triplet grid"
    return f"grid of {step} quarter notes"


def on_grid(time: Fraction, step: Fraction = NOTATION_GRID) -> bool:
    return time % step == 0


def snap(time: Fraction, step: Fraction = NOTATION_GRID) -> Fraction:
    """Quarter notes -> the nearest grid point (halves round to even, as ``round`` does)."""
    return round(Fraction(time) / step) * step


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


def of(count: int, total: int, what: str = "note") -> str:
    """'3 of 248 notes', '1 of 1 note'."""
    return f"{count} of {total} {what}{'s' if total != 1 else ''}"


def _warn(message: str) -> None:
    warnings.warn(MelodyWarning(message), stacklevel=4)


def melody_line(timed, source: str, quantize=AUTO, score: bool = False,
                ignored: int = 0, tick: Fraction | None = None) -> list[Note]:
    """Timed notes (any order, overlaps allowed) -> notes and rests of one voice (see the module).

    ``quantize``: ``auto``, a grid (``quantize_grid``); ``score``: the notes come from a score,
    whose times are written, never played; ``ignored``: notes the reader already left out
    (grace notes of a score), counted in the file's total; ``tick``: the file's time unit in
    quarter notes (a MIDI file's 1/480), when it has one."""
    timed = list(timed)
    total = len(timed) + ignored
    sounding = [note for note in timed if note.end > note.start]
    silent = len(timed) - len(sounding)
    if silent:
        hint = "; to keep them, give them a length in the file" if silent > LOSS_HINT * total else ""
        _warn(f"{source}: {of(silent, total)} have no length (grace notes, as music21 writes them "
              f"to MIDI) and were dropped{hint}")
    if not sounding:
        raise MelodyError("no melodic notes with a length (each ends where it starts)" if silent
                          else "no melodic notes (empty, or drums only)", source=source)
    timing = _timing(sounding, quantize_grid(quantize), score, tick)
    events = _onsets(sounding, timing)
    line, voices = _skyline(events, source, total)
    moves = _line_ends(line, sounding, {index: end for _, end, _, index in events}, timing, total)
    for message in (moves, voices):
        if message:
            _warn(f"{source}: {message}")
    notes: list[Note] = []
    now = Fraction(0)
    for start, end, pitch, _ in line:
        if start > now:
            notes.append(_checked(Note(None, start - now), now, source))
        notes.append(_checked(Note(pitch, end - start), start, source))
        now = end
    return tidy_rests(notes)


def _checked(note: Note, start: Fraction, source: str) -> Note:
    """The note, or a MelodyError naming its time when it is longer than a reader takes."""
    if too_long(note.duration):
        raise MelodyError(f"{'rest' if note.is_rest else 'note'} at quarter note {_decimal(start)} "
                          f"{too_long(note.duration)}", source=source)
    return note


@dataclass(frozen=True)
class _Timing:
    """How a file's times are read (see the module): its grid and which ends follow the legato
    rule."""

    grid: Fraction | None  # the grid asked for (--quantize), or None
    fine: Fraction         # quarter notes: the grid written times are exact on: WRITTEN_GRID, or
                           # NOTATION_GRID when an onset is off it or a time is a quintuplet's
    step: Fraction         # quarter notes: the grid onsets and ends move to
    legato: Fraction       # quarter notes: an end this close to the melody's next onset moves there
    played: bool           # played MIDI: quantized
    short: bool            # written MIDI that plays its notes short
    score: bool            # times from a score: written, never played
    on: int                # onsets on WRITTEN_GRID
    notes: int             # notes with a length

    def legato_end(self, note: Timed) -> bool:
        """Whether the note's end follows the legato rule, not kept as written: a played end,
        and a written one off the file's grid or, in a file that plays short, off the grid of
        note values and triplets."""
        return not self.score and (self.played or not (
            on_grid(note.end, self.fine) and (on_grid(note.end, WRITTEN_GRID) or not self.short)))


def _timing(notes: list[Timed], grid: Fraction | None, score: bool,
            tick: Fraction | None) -> _Timing:
    """The time rules of a file's notes: played or written, its grid, whether it plays short."""
    on = sum(on_grid(note.start, WRITTEN_GRID) for note in notes)
    exact = (tick is None or tick % NOTATION_GRID != 0) and all(
        on_grid(note.start) or on_grid(note.start, WRITTEN_GRID)
        for note in notes)  # all on a grid finer than the file's ticks
    played = not score and on < WRITTEN_SHARE * len(notes) and not exact
    first = grid or NOTATION_GRID  # the grid of the onsets that tell a file playing short
    onsets = sorted({snap(note.start, first) for note in notes})
    short = not played and not score and _plays_short(notes, onsets, first, max(first, LEGATO))
    # a written file's own grid: 64ths and triplets, unless a time is a quintuplet's (on the
    # notation grid, off that one); the two together would make lengths no writer holds
    times = [note.start for note in notes] + ([] if short else [note.end for note in notes])
    fine = NOTATION_GRID if any(not on_grid(time, WRITTEN_GRID) and on_grid(time)
                                for time in times) or on < len(notes) else WRITTEN_GRID
    step = grid or (PLAYED_GRID if played else fine)
    return _Timing(grid, fine, step, max(step, LEGATO), played, short, score, on, len(notes))


def _onsets(notes: list[Timed], timing: _Timing) -> list[tuple[Fraction, Fraction, int, int]]:
    """(start, end, pitch, index in ``notes``) of every note for the skyline: its onset and
    end on the grid, the end as long as the note sounds: a written note sounds to its end, one
    played short too. A played end within ``legato`` of the next onset of any voice counts as
    let go there: a played line's legato overlap cannot be told from a note held that little
    longer over a lower voice. (``_line_ends`` gives the ends the melody keeps.)"""
    step = timing.step
    onsets = sorted({snap(note.start, step) for note in notes})
    events = []
    for index, note in enumerate(notes):
        start, end = snap(note.start, step), snap(note.end, step)
        if timing.played:
            later = bisect.bisect_right(onsets, start)
            if later < len(onsets) and abs(note.end - onsets[later]) <= timing.legato:
                end = onsets[later]
        events.append((start, max(end, start + step), note.pitch, index))
    return events


def _line_ends(line: list[list], notes: list[Timed], sounds: dict[int, Fraction],
               timing: _Timing, total: int) -> str:
    """The ends of the melody notes by the time rules, in place; what moved, for the warning, or
    "". A note moved when its onset moved (any note of the file) or its end did (a melody note).
    An end that follows the legato rule moves to the next onset of the melody when within
    ``legato`` of it (a small gap closed, a small overlap trimmed), else to the grid; a note the
    skyline cut (``sounds``: how long each note sounds for it) ends where the higher one starts;
    none is shorter than one grid step."""
    step = timing.step
    onset_moved = {index for index, note in enumerate(notes)
                   if snap(note.start, step) != note.start}
    moved, snapped, closed, trimmed = set(onset_moved), set(onset_moved), 0, 0
    for place, entry in enumerate(line):
        start, _, _, index = entry
        note = notes[index]
        following = line[place + 1][0] if place + 1 < len(line) else None
        cut = following is not None and sounds[index] > following  # by a higher note
        legato = (not cut and timing.legato_end(note) and following is not None
                  and abs(note.end - following) <= timing.legato)
        end = max(following if cut or legato else snap(note.end, step), start + step)
        entry[1] = end if following is None else min(end, following)
        if cut or end == note.end:
            continue
        moved.add(index)
        if legato:
            closed += note.end < end
            trimmed += note.end > end
        else:
            snapped.add(index)
    if not moved:
        return ""
    first = notes[min(moved, key=lambda index: (notes[index].start, -notes[index].pitch))]
    return _moved_message(len(moved), len(snapped), closed, trimmed, total, timing,
                          first) + _collided(notes, step)


def _plays_short(notes: list[Timed], onsets: list[Fraction], step: Fraction,
                 legato: Fraction) -> bool:
    """Whether a written MIDI file plays its notes shorter than written (notation software that
    plays 90% of each length, say): at least two notes, and at least half of those that end
    within ``legato`` of the next onset, end off the grid of note values and triplets before it.
    A file that plays its notes as written ends them at the next onset or on that grid, but for
    a quintuplet before a short rest, which cannot be told from a note played short."""
    near = early = 0
    for note in notes:
        later = bisect.bisect_right(onsets, snap(note.start, step))
        if later < len(onsets) and abs(note.end - onsets[later]) <= legato:
            near += 1
            early += note.end != onsets[later] and not on_grid(note.end, WRITTEN_GRID)
    return early >= 2 and 2 * early >= near


def _moved_message(moved: int, snapped: int, closed: int, trimmed: int, total: int,
                   timing: _Timing, first: Timed) -> str:
    """What the time rules moved, for their warning."""
    legato = ", ".join(part for part in (
        f"{closed} small gap{'s' if closed != 1 else ''} closed" if closed else "",
        f"{trimmed} small overlap{'s' if trimmed != 1 else ''} trimmed" if trimmed else "") if part)
    legato = f"legato: {legato}" if legato else ""
    if timing.grid is not None:
        return f"{of(moved, total)} moved to the {grid_name(timing.step)} (--quantize)" + \
            (f" ({legato})" if legato else "")
    if timing.played:
        return (f"played timing (only {of(timing.on, timing.notes, 'onset')} on the grid of note "
                f"values and triplets): {of(moved, total)} moved to the {grid_name(timing.step)}"
                + (f" ({legato})" if legato else "") + "; --quantize GRID sets another grid")
    off = f"{snapped} to {_FINE_GRIDS[timing.step]}" if snapped else ""
    return (f"{of(moved, total)} moved: {'; '.join(part for part in (off, legato) if part)}; "
            f"the first: {pitch_name(first.pitch)} at quarter note {_decimal(first.start)} "
            f"lasting {_decimal(first.end - first.start)}")


_FINE_GRIDS = {  # a written file's grid, for the warning when times moved to it
    NOTATION_GRID: "the notation grid (1/120 of a quarter note: note values to the 32nd, triplets, "
                   "quintuplets)",
    WRITTEN_GRID: "the grid of note values and triplets (1/48 of a quarter note: to the 64th note "
                  "and the 64th-note triplet)"}


def _collided(notes: list[Timed], step: Fraction) -> str:
    """The end of a quantize warning when the grid put onsets of the file together."""
    starts: dict[Fraction, set[Fraction]] = {}
    for note in notes:
        starts.setdefault(snap(note.start, step), set()).add(note.start)
    together = sum(len(raw) - 1 for raw in starts.values())
    if not together:
        return ""
    return (f"; {together} now start{'s' if together == 1 else ''} with another note and may be "
            "dropped (a finer --quantize keeps them apart)")


def _skyline(events, source: str, total: int) -> tuple[list[list], str]:
    """The highest voice of (start, end, pitch, index) events, kept whole (see the module):
    ([start, end, pitch, index] of each melody note, what was dropped or cut, for the warning,
    or "")."""
    events = sorted(events, key=lambda e: (e[0], -e[2], -e[1]))
    line: list[list] = []
    heard: list[tuple[int, Fraction]] = []  # (-pitch, end) of every note started so far
    chord = hidden = cut = 0
    index = 0
    while index < len(events):
        start = events[index][0]
        group = index
        while group < len(events) and events[group][0] == start:
            group += 1
        while heard and heard[0][1] <= start:  # the highest one heard has ended
            heapq.heappop(heard)
        _, end, pitch, number = events[index]
        chord += group - index - 1
        if heard and -heard[0][0] >= pitch:  # under a higher (or equal) note still sounding
            hidden += 1
        else:
            if line and line[-1][1] > start:
                line[-1][1] = start
                cut += 1
            line.append([start, end, pitch, number])
        for _, other_end, other_pitch, _ in events[index:group]:
            heapq.heappush(heard, (-other_pitch, other_end))
        index = group
    dropped = chord + hidden
    message = ""
    if dropped or cut:
        parts = [f"{chord} lower note{'s' if chord != 1 else ''} starting with a higher one"
                 if chord else "",
                 f"{hidden} lower note{'s' if hidden != 1 else ''} starting under a higher held note"
                 if hidden else ""]
        message = ("several notes sound at once; kept the highest voice (skyline), "
                   f"{of(len(line), total)}")
        if dropped:
            message += f"; dropped {' and '.join(part for part in parts if part)}"
        if cut:
            message += f"; {cut} cut short by a higher note"
        if dropped > LOSS_HINT * total:
            message += "; to learn another voice, give it in a file of its own"
    return line, message


def read_melody(notes, *, title: str, time_signature: tuple[int, int], tempo: float, source: str,
                key, pickup: Fraction) -> Melody:
    """The melody a reader found, its ``pickup`` (quarter notes before the first bar line) kept
    when it is shorter than a bar; a value a Melody refuses is a MelodyError naming ``source``."""
    try:
        melody = Melody(tuple(notes), title=title, time_signature=time_signature, tempo=tempo,
                        source=source, key=key)
        return replace(melody, pickup=pickup) if 0 < pickup < melody.measure_length else melody
    except ValueError as error:
        raise MelodyError(str(error), source=source) from None


def usable_tempo(bpm: float, source: str) -> float:
    """A file's tempo (quarter notes per minute) moved into ``TEMPO_RANGE``, with a warning."""
    low, high = TEMPO_RANGE
    if low <= bpm <= high:
        return bpm
    clamped = float(min(max(bpm, low), high))
    warnings.warn(MelodyWarning(f"{source}: tempo {bpm:g} bpm is outside {low}..{high}; using "
                                f"{clamped:g}"), stacklevel=3)
    return clamped


def usable_signature(signature: tuple[int, int] | None, source: str) -> tuple[int, int]:
    """A file's time signature, or 4/4 with a warning when a Melody cannot have it (0 beats, a
    beat of a 64th note); 4/4 without one."""
    if signature is None:
        return (4, 4)
    beats, unit = signature
    if beats >= 1 and unit in (1, 2, 4, 8, 16, 32):
        return signature
    warnings.warn(MelodyWarning(f"{source}: time signature {beats}/{unit} cannot be written "
                                "(beats 1 or more of a whole to a 32nd note); using 4/4"), stacklevel=3)
    return (4, 4)


def first_value(values: list, source: str, what: str, show=None):
    """The first of a file's ``values`` (a tempo, a time signature, in song order), with a
    warning when a later one differs; None when there are none. ``show`` names a value."""
    if not values:
        return None
    first = values[0]
    if any(value != first for value in values[1:]):
        warnings.warn(MelodyWarning(f"{source}: the {what} changes during the song; kept the "
                                    f"first, {(show or str)(first)}"), stacklevel=4)
    return first


def _decimal(time: Fraction) -> str:
    """A time for a message: 5/2 -> '2.5', 1/3 -> '0.333'."""
    return f"{float(time):.3f}".rstrip("0").rstrip(".")
