"""The note type that flows through melodygen, and the melody that holds them.

Units: ``pitch`` is a MIDI note number (60 = middle C = C4, 69 = A4 = 440 Hz);
``duration`` is a length in quarter notes, kept as an exact ``Fraction``
(1 = quarter, 1/2 = eighth, 3/2 = dotted quarter, 1/3 = an eighth of a triplet); tempo is in
quarter notes per minute.

A length whose denominator is a power of two is made of plain note values; any other length is
a tuplet's (``tuplet_ratio``): 1/3 is an eighth note of a triplet, 3 in the time of 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from . import display

PITCH_CLASS_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}  # note letter -> pitch class
ACCIDENTALS = {"": 0, "#": 1, "b": -1}  # an accidental as names write it -> semitones
DEFAULT_TEMPO = 120.0  # quarter notes per minute when a file gives no tempo (MIDI's default)
LONGEST = Fraction(1024)  # quarter notes (256 whole notes): the longest note or rest a reader takes


def beat(meter: tuple[int, int]) -> Fraction:
    """One beat in quarter notes: a dotted quarter in 6/8, 9/8, 12/8; else the meter's unit."""
    beats, unit = meter
    if unit == 8 and beats % 3 == 0 and beats > 3:
        return Fraction(3, 2)
    return Fraction(4, unit)


def pitch_name(pitch: int) -> str:
    """MIDI note number -> scientific pitch name, sharps for black keys: 61 -> 'C#4'."""
    if not 0 <= pitch <= 127:
        raise ValueError(f"MIDI pitch must be in range 0..127, got {pitch}")
    return f"{PITCH_CLASS_NAMES[pitch % 12]}{pitch // 12 - 1}"


def pitch_number(name: str) -> int:
    """Scientific pitch name -> MIDI note number: 'C4' -> 60, 'Bb3' -> 58, 'F#5' -> 78."""
    step, rest = name[:1].upper(), name[1:]
    alter = rest[:1] if rest[:1] in ("#", "b") else ""
    octave = rest[len(alter):]
    if step not in STEPS or not re.fullmatch(r"-?[0-9]+", octave):
        raise ValueError(f"not a pitch name: {name!r}")
    pitch = 12 * (int(octave) + 1) + STEPS[step] + ACCIDENTALS[alter]
    if not 0 <= pitch <= 127:
        raise ValueError(f"pitch {name!r} is outside the MIDI range 0..127")
    return pitch


def too_long(duration: Fraction) -> str:
    """Why a reader refuses a note or rest of ``duration`` quarter notes, or "" when it takes
    it: "lasts 50,000,000 quarter notes; a note or rest lasts at most 1,024" (the reader names
    the place)."""
    if duration <= LONGEST:
        return ""
    shown = f"{int(duration):,}" if duration.denominator == 1 else \
        f"{float(duration):,.3f}".rstrip("0").rstrip(".")
    return f"lasts {shown} quarter notes; a note or rest lasts at most {int(LONGEST):,}"


def counted(notes) -> str:
    """Notes and rests counted apart, for a message: "4 notes", "2 notes and 1 rest", "1 note"."""
    notes = list(notes)
    rests = sum(1 for note in notes if note.pitch is None)
    sounding = len(notes) - rests
    words = f"{sounding} note{'s' * (sounding != 1)}"
    return words + (f" and {rests} rest{'s' * (rests != 1)}" if rests else "")


def tuplet_ratio(duration: Fraction) -> tuple[int, int] | None:
    """The tuplet a length needs, as (actual, normal): ``actual`` notes in the time of ``normal``
    (the largest power of two below ``actual``), or None for plain note values (a power-of-two
    denominator). 1/3 -> (3, 2), a triplet; 1/6 -> (3, 2); 1/5 -> (5, 4), a quintuplet;
    1/7 -> (7, 4); 3/2 -> None."""
    actual = Fraction(duration).denominator
    while actual % 2 == 0:
        actual //= 2
    if actual == 1:
        return None
    return actual, 1 << (actual.bit_length() - 1)


@dataclass(frozen=True, order=True)
class Note:
    """One melody event: a pitched note, or a rest when ``pitch`` is None.

    pitch:    MIDI note number 0..127, or None for a rest.
    duration: length in quarter notes (exact Fraction; 1/2 = eighth note).
    """

    pitch: int | None
    duration: Fraction

    def __post_init__(self) -> None:
        if self.pitch is not None and not (isinstance(self.pitch, int) and 0 <= self.pitch <= 127):
            raise ValueError(f"pitch must be a MIDI number in range 0..127 or None, got {self.pitch!r}")
        duration = Fraction(self.duration)
        if duration <= 0:
            raise ValueError(f"duration must be positive (quarter notes), got {self.duration!r}")
        object.__setattr__(self, "duration", duration)

    @property
    def is_rest(self) -> bool:
        return self.pitch is None

    def __repr__(self) -> str:
        name = "rest" if self.pitch is None else pitch_name(self.pitch)
        return f"Note({name}, {self.duration})"


@dataclass(frozen=True)
class Melody:
    """A monophonic melody with what is needed to write it out again.

    notes:          the events in order.
    title:          shown in MIDI track names and score titles.
    time_signature: (beats, beat unit), e.g. (2, 4).
    tempo:          quarter notes per minute.
    source:         where it came from (a path or a bundled song name), for messages.
    pickup:         length of the upbeat (anacrusis) before the first full measure, in quarter
                    notes; 0 when the song starts on a downbeat.
    key:            the key signature the file gave (``keys.Key``), or None when it gave none
                    (a score is then written in ``keys.song_key``).
    """

    notes: tuple[Note, ...]
    title: str = "Untitled"
    time_signature: tuple[int, int] = (4, 4)
    tempo: float = DEFAULT_TEMPO
    source: str = field(default="", compare=False)
    pickup: Fraction = Fraction(0)
    key: object | None = None  # a keys.Key (keys.py imports this module, not the other way)

    def __post_init__(self) -> None:
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "pickup", Fraction(self.pickup))
        beats, unit = self.time_signature
        if beats < 1 or unit not in (1, 2, 4, 8, 16, 32):
            raise ValueError(f"time signature must be N/1, N/2, N/4, N/8, N/16 or N/32, got {beats}/{unit}")
        if not 10 <= self.tempo <= 400:
            raise ValueError(f"tempo must be 10..400 quarter notes per minute, got {self.tempo}")
        if not 0 <= self.pickup < self.measure_length:
            raise ValueError(f"pickup must be shorter than a measure ({self.measure_length} quarter "
                             f"notes), got {self.pickup}")

    def __len__(self) -> int:
        return len(self.notes)

    def __repr__(self) -> str:
        beats, unit = self.time_signature
        return (f"Melody({self.title!r}, {len(self.notes)} notes, {beats}/{unit}, "
                f"{self.tempo:g} bpm)")

    def _repr_html_(self) -> str:
        return display.html(self)  # its score, a player, its notes (presentation.display)

    @property
    def measure_length(self) -> Fraction:
        """Length of one measure in quarter notes (2/4 -> 2, 6/8 -> 3)."""
        beats, unit = self.time_signature
        return Fraction(4 * beats, unit)

    @property
    def total_length(self) -> Fraction:
        """Length of all notes and rests in quarter notes."""
        return sum((note.duration for note in self.notes), Fraction(0))

    def with_notes(self, notes, title: str | None = None) -> Melody:
        """The same song settings (meter, tempo, pickup, key) around other notes."""
        return Melody(tuple(notes), title if title is not None else self.title,
                      self.time_signature, self.tempo, self.source, self.pickup, self.key)


class Melodies(list):
    """Melodies made together, in order (what ``generate`` returns): a list of ``Melody`` that a
    notebook shows as a gallery, each with its score and a player."""

    def __repr__(self) -> str:
        return f"Melodies({len(self)}: {', '.join(repr(melody.title) for melody in self)})"

    def _repr_html_(self) -> str:
        return display.html(self)


def notes_json(notes) -> list[list]:
    """Notes as [MIDI pitch or null, length in quarter notes as "n/d"] pairs: the form of notes
    in summary.json and in saved models."""
    return [[note.pitch, str(note.duration)] for note in notes]
