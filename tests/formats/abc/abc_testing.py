"""What the ABC tests share: a tune from text, notes from names, the summary two readers must
agree on, and music21's corpus."""

from __future__ import annotations

import importlib.util
from fractions import Fraction as F
from pathlib import Path

from melodygen.core.note import Note, pitch_number
from melodygen.formats import abc

CORPUS = Path(importlib.util.find_spec("music21").origin).parent / "corpus"
MUSIC21 = frozenset()  # read_tune(tune, MUSIC21) reads exactly as music21 does


def tune(text: str, source: str = "tune.abc") -> abc.TuneText:
    (only,) = abc.split_tunes(text, source)
    return only


def notes(*pairs) -> tuple[Note, ...]:
    """("C5", "1/3"), (None, 1), ... -> Notes."""
    return tuple(Note(None if name is None else pitch_number(name), F(length)) for name, length in pairs)


def summary(reading: abc.TuneReading) -> tuple:
    """What the two readers must agree on: the melody and the counts of what was dropped."""
    melody = reading.melody
    return (melody.notes, melody.time_signature, melody.pickup, melody.tempo, reading.grace_notes,
            reading.chord_tones, reading.meter_changes, reading.tempo_changes, reading.unjoined_ties)


def assert_as_music21(text: str) -> abc.TuneReading:
    """Read with music21's rules and with music21 itself: the same; returns melodygen's reading
    with all its rules."""
    one = tune(text)
    assert summary(abc.read_tune(one, MUSIC21)) == summary(abc.music21_tune(one))
    return abc.read_tune(one)
