"""A tune as the note events a collection model reads and predicts, one row of integers per
event: the one place that says what a collection model sees.

A tune's events are its pitched notes in order (``note_events``); a rest is not an event of its
own but the ``rest`` before the next note. Each event knows where it falls in the bar, so a model
that reads them knows the meter.

Pitches are relative to the tune's tonic (``relative_pitch``): the interval in semitones from the
tonic in the octave of middle C, clipped to +-``RELATIVE_RANGE``. A model of intervals from the
tonic learns from a tune in G what it learns from the same tune in F, and turns back into
absolute pitches exactly, given the tonic. The tonic comes from the tune's key as its file gives
it (ABC ``K:``), else from the notes (``core.keys.melody_key``).

``encode_song`` gives one row per event, the model's input and target at that step; ``Column``
names the columns, which the encoder, the network (``network.py``), the training and the
generation (``predict.py``) all index by name:

    column          what                                                 values
    PITCH           the previous event's relative pitch                  0..2R, 2R+1 = none (first)
    LENGTH          the previous event's length                          length class (0: unseen)
    REST            the rest before the previous event                   length class (0: none/unseen)
    POSITION        where the previous event ends, as a share of the bar position class (0: unseen)
    METER           the song's time signature                            meter class (0: unseen)
    TARGET_PITCH    target: this event's relative pitch                  0..2R
    TARGET_LENGTH   target: this event's length                          length class (0: unseen)
    ONSET           where this event starts, as a share of the bar       onset class (0: unseen)

What a network reads of these columns is its ``Task``'s (``TASKS``): the pitch from the pitches
before it (no key: pitches relative to C, no rhythm); the pitch given everything before it and
this note's length and onset and the key; the whole note (pitch, then length) from everything
before it, the default, which generation needs. ``INPUT_COLUMNS`` names the columns a task may
read. Models saved before ``ONSET`` existed read the first seven columns.

``decode_rows`` turns rows back into notes (a round trip, tested).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from fractions import Fraction
from typing import Iterable, Sequence

import numpy as np

from ...core.keys import melody_key
from ...core.note import Melody, Note

RELATIVE_RANGE = 36                  # semitones either side of the tonic
RELATIVE_CLASSES = 2 * RELATIVE_RANGE + 1
NO_PITCH = RELATIVE_CLASSES          # input token: no previous note


class Column(IntEnum):
    """The columns of an event row (see the module)."""

    PITCH = 0
    LENGTH = 1
    REST = 2
    POSITION = 3
    METER = 4
    TARGET_PITCH = 5
    TARGET_LENGTH = 6
    ONSET = 7


COLUMNS = len(Column)
INPUTS = (Column.PITCH, Column.LENGTH, Column.REST, Column.POSITION, Column.METER)

# what a network may read of an event, by name, and the column it is read from
INPUT_COLUMNS = {"pitch": Column.PITCH, "length": Column.LENGTH, "rest": Column.REST,
                 "position": Column.POSITION, "meter": Column.METER,
                 "next_length": Column.TARGET_LENGTH, "next_onset": Column.ONSET}
# (the same words as the viewpoints' of ``evaluation.models``: tables compare them)
INPUT_WORDS = {"pitch": "the pitches before", "length": "the lengths before",
               "rest": "the rests before", "position": "the bar positions before",
               "meter": "the meter", "next_length": "the note's own length",
               "next_onset": "the note's onset in the bar"}


@dataclass(frozen=True)
class Task:
    """What a network is asked: its inputs (``INPUT_COLUMNS``' names), whether it knows the key
    (pitches relative to the tonic, else to C), and whether it predicts the note's length too."""

    name: str
    what: str
    inputs: tuple[str, ...]
    knows_key: bool
    predicts_length: bool

    def words(self) -> list[str]:
        """What it sees, in words, for tables."""
        return [INPUT_WORDS[name] for name in self.inputs] + (["the key"] if self.knows_key
                                                              else [])


TASKS = {task.name: task for task in (
    Task("pitch", "the pitch from the pitches before it", ("pitch",), False, False),
    Task("pitch-rhythm-key", "the pitch from everything before it, its own length and onset, "
         "and the key", ("pitch", "length", "rest", "position", "meter", "next_length",
                         "next_onset"), True, False),
    Task("note", "the pitch and then the length from everything before", ("pitch", "length",
                                                                         "rest", "position",
                                                                         "meter"), True, True),
)}


@dataclass(frozen=True)
class NoteEvent:
    """One pitched note of a song with what precedes it; lengths in quarter notes."""

    pitch: int          # MIDI number
    duration: Fraction
    rest: Fraction      # the rest just before it (0: none)
    position: Fraction  # where it starts in its bar, as a share of the bar: 0 <= position < 1
    end: Fraction       # where it ends, as a share of the bar: 0 <= end < 1 (1 is the next 0)


def note_events(melody: Melody) -> list[NoteEvent]:
    """The pitched notes of ``melody``, each with the rest before it and its place in the bar
    (the first bar line is where the pickup ends)."""
    measure = melody.measure_length
    now, rest, events = -melody.pickup, Fraction(0), []
    for note in melody.notes:
        if note.is_rest:
            rest += note.duration
        else:
            events.append(NoteEvent(note.pitch, note.duration, rest, (now % measure) / measure,
                                    ((now + note.duration) % measure) / measure))
            rest = Fraction(0)
        now += note.duration
    return events


def tonic(melody: Melody) -> int:
    """The tonic's pitch class (0 = C): of the key its file gives (ABC's ``K:``, a MIDI key
    signature), else of the key found in its notes (C when the melody has none)."""
    key = melody_key(melody)
    return key.tonic if key is not None else 0


def relative_pitch(pitch: int, tonic_class: int) -> int:
    """MIDI pitch -> class 0..2R: semitones from the tonic in the octave of middle C, + R."""
    return int(np.clip(pitch - (60 + tonic_class), -RELATIVE_RANGE, RELATIVE_RANGE)) + RELATIVE_RANGE


def absolute_pitch(relative: int, tonic_class: int) -> int:
    """The inverse of ``relative_pitch`` (within its range)."""
    return relative - RELATIVE_RANGE + 60 + tonic_class


def meter_name(melody: Melody) -> str:
    beats, unit = melody.time_signature
    return f"{beats}/{unit}"


@dataclass(frozen=True)
class EventVocabulary:
    """The lengths, bar positions and meters a corpus model knows, each by index from 1 (index 0:
    one it has not seen)."""

    durations: tuple[Fraction, ...]
    positions: tuple[Fraction, ...]
    meters: tuple[str, ...]
    onsets: tuple[Fraction, ...] = ()  # where events start in the bar (none in older files)

    @classmethod
    def from_melodies(cls, melodies: Iterable[Melody]) -> "EventVocabulary":
        durations, positions, meters, onsets = set(), set(), set(), set()
        for melody in melodies:
            meters.add(meter_name(melody))
            for event in note_events(melody):
                durations.update((event.duration, event.rest) if event.rest else (event.duration,))
                positions.add(event.end)
                onsets.add(event.position)
        return cls(tuple(sorted(durations)), tuple(sorted(positions)), tuple(sorted(meters)),
                   tuple(sorted(onsets)))

    def sizes(self) -> tuple[int, int, int]:
        """Classes of lengths, positions and meters, the unseen one included."""
        return len(self.durations) + 1, len(self.positions) + 1, len(self.meters) + 1

    def classes(self, name: str) -> int:
        """The classes of input ``name`` (``INPUT_COLUMNS``), the unseen one included."""
        if name == "pitch":
            return NO_PITCH + 1
        values = {"length": self.durations, "rest": self.durations, "next_length": self.durations,
                  "position": self.positions, "meter": self.meters,
                  "next_onset": self.onsets}[name]
        return len(values) + 1

    def duration_index(self, duration: Fraction) -> int:
        """A length's class: 1 + its place among the lengths, 0 when unseen."""
        return _index(self.durations, duration)

    def position_index(self, position: Fraction) -> int:
        """A bar position's class (a share of the bar, 0 <= position < 1), 0 when unseen."""
        return _index(self.positions, position)

    def meter_index(self, meter: str) -> int:
        """A time signature's class ("3/4"), 0 when unseen."""
        return _index(self.meters, meter)

    def onset_index(self, onset: Fraction) -> int:
        """An onset's class (where an event starts, a share of the bar), 0 when unseen."""
        return _index(self.onsets, onset)

    def first_row(self, meter: int) -> np.ndarray:
        """The inputs of a tune's first event: no event before it (targets 0)."""
        row = np.zeros(COLUMNS, dtype=np.int32)
        row[Column.PITCH], row[Column.METER] = NO_PITCH, meter
        return row

    def next_row(self, row: np.ndarray, rest: Fraction, end: Fraction) -> np.ndarray:
        """The inputs of the event after ``row``'s (targets 0): its pitch and length, the
        ``rest`` before the next event and where it ends in its bar (``end``, a share)."""
        out = np.zeros(COLUMNS, dtype=np.int32)
        out[Column.PITCH] = row[Column.TARGET_PITCH]
        out[Column.LENGTH] = row[Column.TARGET_LENGTH]
        out[Column.REST] = self.duration_index(rest) if rest else 0
        out[Column.POSITION] = self.position_index(end)
        out[Column.METER] = row[Column.METER]
        return out

    def to_json(self) -> dict:
        return {"durations": [str(d) for d in self.durations],
                "positions": [str(p) for p in self.positions], "meters": list(self.meters),
                "onsets": [str(p) for p in self.onsets]}

    @classmethod
    def from_json(cls, data: dict) -> "EventVocabulary":
        return cls(tuple(Fraction(d) for d in data["durations"]),
                   tuple(Fraction(p) for p in data["positions"]), tuple(data["meters"]),
                   tuple(Fraction(p) for p in data.get("onsets", ())))


def _index(values: Sequence, value) -> int:
    """1 + the index of ``value`` in the sorted ``values``, 0 when it is not there."""
    import bisect
    place = bisect.bisect_left(values, value)
    return place + 1 if place < len(values) and values[place] == value else 0


def encode_song(melody: Melody, tonic_class: int, vocabulary: EventVocabulary) -> np.ndarray:
    """(events, COLUMNS) int32: one row per pitched note, as the module's table says."""
    meter = vocabulary.meter_index(meter_name(melody))
    rows, previous = [], vocabulary.first_row(meter)
    for event in note_events(melody):
        row = previous.copy()
        row[Column.TARGET_PITCH] = relative_pitch(event.pitch, tonic_class)
        row[Column.TARGET_LENGTH] = vocabulary.duration_index(event.duration)
        row[Column.ONSET] = vocabulary.onset_index(event.position)
        rows.append(row)
        previous = vocabulary.next_row(row, event.rest, event.end)
    return np.array(rows, dtype=np.int32).reshape(-1, COLUMNS)


def decode_rows(rows: np.ndarray, tonic_class: int, vocabulary: EventVocabulary) -> list[Note]:
    """The notes of a tune's rows (``encode_song``'s): each event's pitch and length, and the
    rest before it, which the next row holds. The rest before the last note is in no row (a model
    reads a rest once the note after it is played), nor is a rest after it. A length the
    vocabulary does not have is a ``ValueError``."""
    rests = [int(row[Column.REST]) for row in rows[1:]] + [0]
    notes = []
    for place, (row, rest) in enumerate(zip(rows, rests)):
        if rest:
            notes.append(Note(None, vocabulary.durations[rest - 1]))
        length = int(row[Column.TARGET_LENGTH])
        if not length:
            raise ValueError(f"event {place + 1} has a length the vocabulary does not know")
        notes.append(Note(absolute_pitch(int(row[Column.TARGET_PITCH]), tonic_class),
                          vocabulary.durations[length - 1]))
    return notes
