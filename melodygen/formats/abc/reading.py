"""What reading a tune gives (``TuneReading``), made the same way by melodygen's reader and by the
music21 reference (``tune_reading``); the rules where melodygen departs from music21 (``RULES``);
and ``UnsupportedAbc``, what melodygen's reader leaves to music21."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

from ...core.errors import MelodyError
from ...core.note import DEFAULT_TEMPO, Melody, Note, too_long
from ..timeline import tidy_rests, usable_tempo
from .fields import abc_key
from .tunebook import TuneText

# melodygen's departures from music21's reading, by name (see the package and the README)
RULES = {
    "carry-accidentals":
        "an accidental holds for the notes of the same letter to the end of the bar, as ABC 2.1 "
        "says (4.2) and the Essen transcriptions need; music21 does so only in files that declare "
        "%abc-2.x in their first 100 characters (music21 issues #386 and #1588)",
    "keep-quoted-accent":
        'a note with an annotation starting with ">" (Ryan\'s accents) is kept; music21 drops '
        "the note (it takes the text for a fingering diagram)",
    "keep-fermata":
        "a note with a fermata (H) is kept; music21 drops the note",
    "default-length":
        "a tune with neither L: nor M: before its first note has eighth notes as its unit note "
        "length (ABC 2.1, 3.1.7); music21 cannot read it",
    "tempo-spaces":
        "spaces in a Q: field are only spaces (Q:1/4 =50 is 50 quarter notes a minute); music21 "
        "counts each one as one more whole note in the beat (250)",
    "broken-rhythm-over-marks":
        "a broken rhythm (> or <) applies across the decorations, slurs and ties written "
        "between its two notes; music21 applies it only to notes written right beside it",
    "locrian":
        "K: in a locrian mode has that mode's key signature (K:Bloc: none, as ABC 2.1 says, "
        "3.1.14); music21 knows no locrian and reads the major key of the tonic (B major)",
}
ALL_RULES = frozenset(RULES)


class UnsupportedAbc(MelodyError):
    """Valid ABC, or ABC that music21 reads somehow, that ``read_tune`` does not read: read the
    tune with ``music21_tune`` instead. The message names the construct and where it is."""


@dataclass(frozen=True)
class TuneReading:
    """One tune read: its melody and what the reading left out or changed.

    grace_notes:    grace notes (``{...}``) dropped.
    chord_tones:    chord notes below the highest, dropped.
    meter_changes:  later ``M:`` fields that change the meter (the melody keeps the first).
    tempo_changes:  later ``Q:`` fields that change the tempo (the melody keeps the first).
    unjoined_ties:  ties (``-``) that join nothing: to another pitch, a rest or a chord.
    reader:         "melodygen" (``read_tune``) or "music21" (``music21_tune``).
    """

    tune: TuneText = field(repr=False)
    melody: Melody
    grace_notes: int = 0
    chord_tones: int = 0
    meter_changes: int = 0
    tempo_changes: int = 0
    unjoined_ties: int = 0
    reader: str = "melodygen"
    odd_measures: tuple[int, int] = (0, 0)  # (measures between the first and the last that do
                                            # not last a measure of their meter, such measures)
    passed_over: int = 0      # words and characters of no ABC meaning, passed over (as by music21)
    first_passed: tuple[int, int, str] | None = None  # (line, column, text) of the first of them
    marks: tuple[tuple[str, Fraction], ...] = ()  # the structure as written: (mark, quarter
    # notes from the tune's start as written) of each repeat sign |: :|, ending [1 [2, double
    # bar || |] [| and P: field, in order (melodygen's reader; music21's reading keeps none)


def tune_reading(tune: TuneText, events, *, meter, tempo, pickup, reader: str,
                 **counts) -> TuneReading:
    """Events -> TuneReading by the rules both readers share: ties joined, rests tidied, the
    key of the tune's first ``K:`` (``fields.abc_key``).

    events: (MIDI pitch or None for a rest, length in quarter notes, tied to the next, tied from
    the one before), in order; meter (beats, unit) or None; tempo in quarter notes per minute or
    None; pickup in quarter notes.
    """
    notes, unjoined = _joined_ties(events)
    line = tidy_rests(Note(pitch, length) for pitch, length, _ in notes)
    if not any(not note.is_rest for note in line):
        raise MelodyError("no notes in the tune", source=tune.source, line=tune.line)
    for place, note in enumerate(line, start=1):  # tied notes and rests joined, as read
        if too_long(note.duration):
            raise MelodyError(f"{'rest' if note.is_rest else 'note'} {place} of the tune "
                              f"{too_long(note.duration)}", source=tune.source, line=tune.line)
    try:
        melody = Melody(tuple(line), tune.title, meter or (4, 4),
                        usable_tempo(tempo, tune.where) if tempo else DEFAULT_TEMPO,
                        tune.where, pickup, abc_key(tune.key))
    except ValueError as error:
        raise MelodyError(str(error), source=tune.source, line=tune.line) from None
    return TuneReading(tune, melody, unjoined_ties=unjoined, reader=reader, **counts)


def _joined_ties(events) -> tuple[list[list], int]:
    """Events -> ([pitch, length, tied to the next] of the notes with their ties joined, the
    ties that join nothing): a tie joins a note to the next one of the same pitch."""
    notes: list[list] = []
    unjoined = 0
    for pitch, length, tie_start, tie_stop in events:
        previous = notes[-1] if notes else None
        if previous is not None and previous[2]:
            if tie_stop and pitch is not None and previous[0] == pitch:
                previous[1] += length
                previous[2] = tie_start
                continue
            unjoined += 1
            previous[2] = False
        notes.append([pitch, length, tie_start and pitch is not None])
    unjoined += sum(1 for note in notes[-1:] if note[2])
    return notes, unjoined


def changes(values) -> int:
    """How many of ``values`` differ from the one before."""
    return sum(1 for before, after in itertools.pairwise(values) if after != before)
