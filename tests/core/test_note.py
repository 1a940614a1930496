"""note.py: pitch names <-> MIDI numbers, the Note and Melody types."""

from dataclasses import FrozenInstanceError
from fractions import Fraction

import pytest

from melodygen.core.note import Melody, Note, beat, pitch_name, pitch_number


@pytest.mark.parametrize("pitch, name", [
    (0, "C-1"), (58, "A#3"), (60, "C4"), (61, "C#4"), (64, "E4"), (67, "G4"), (69, "A4"),
    (71, "B4"), (127, "G9"),
])
def test_pitch_name(pitch, name):
    assert pitch_name(pitch) == name


@pytest.mark.parametrize("name, pitch", [
    ("C4", 60), ("c4", 60), ("G4", 67), ("Bb3", 58), ("F#5", 78), ("C-1", 0), ("G9", 127),
])
def test_pitch_number(name, pitch):
    assert pitch_number(name) == pitch


def test_pitch_name_and_number_round_trip_over_the_midi_range():
    assert [pitch_number(pitch_name(pitch)) for pitch in range(128)] == list(range(128))


@pytest.mark.parametrize("call, message", [
    (lambda: pitch_name(128), "MIDI pitch must be in range 0..127, got 128"),
    (lambda: pitch_name(-1), "MIDI pitch must be in range 0..127, got -1"),
    (lambda: pitch_number("H4"), "not a pitch name: 'H4'"),
    (lambda: pitch_number("C"), "not a pitch name: 'C'"),
    (lambda: pitch_number("C--1"), "not a pitch name: 'C--1'"),
    (lambda: pitch_number("C\u00b2"), "not a pitch name: 'C\u00b2'"),  # a superscript two
    (lambda: pitch_number("G#9"), "pitch 'G#9' is outside the MIDI range 0..127"),
])
def test_pitch_conversion_errors(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value) == message


def test_note_keeps_an_exact_fraction():
    note = Note(67, 0.5)
    assert note.duration == Fraction(1, 2) and type(note.duration) is Fraction
    assert note == Note(67, Fraction(1, 2))
    assert hash(note) == hash(Note(67, Fraction(1, 2)))


def test_rest():
    assert Note(None, 1).is_rest and not Note(60, 1).is_rest


@pytest.mark.parametrize("note, text", [
    (Note(67, Fraction(1, 2)), "Note(G4, 1/2)"),
    (Note(64, 1), "Note(E4, 1)"),
    (Note(None, Fraction(3, 2)), "Note(rest, 3/2)"),
])
def test_note_repr(note, text):
    assert repr(note) == text


@pytest.mark.parametrize("pitch, duration, message", [
    (128, 1, "pitch must be a MIDI number in range 0..127 or None, got 128"),
    (60.0, 1, "pitch must be a MIDI number in range 0..127 or None, got 60.0"),
    (60, 0, "duration must be positive (quarter notes), got 0"),
    (60, -1, "duration must be positive (quarter notes), got -1"),
])
def test_note_validation(pitch, duration, message):
    with pytest.raises(ValueError) as error:
        Note(pitch, duration)
    assert str(error.value) == message


def test_note_is_frozen():
    with pytest.raises(FrozenInstanceError):
        Note(60, 1).pitch = 62


def test_melody_lengths():
    melody = Melody([Note(67, Fraction(1, 2)), Note(64, Fraction(1, 2)), Note(64, 1)],
                    title="t", time_signature=(2, 4), tempo=100)
    assert melody.notes == (Note(67, Fraction(1, 2)), Note(64, Fraction(1, 2)), Note(64, 1))
    assert len(melody) == 3
    assert melody.total_length == 2
    assert melody.measure_length == 2


@pytest.mark.parametrize("signature, measure", [((2, 4), 2), ((4, 4), 4), ((6, 8), 3), ((3, 2), 6)])
def test_measure_length(signature, measure):
    assert Melody((Note(60, 1),), time_signature=signature).measure_length == measure


def test_with_notes_keeps_meter_tempo_and_source():
    melody = Melody((Note(60, 1),), title="song", time_signature=(2, 4), tempo=100, source="x.txt")
    other = melody.with_notes([Note(62, 1), Note(64, 1)], "other")
    assert other == Melody((Note(62, 1), Note(64, 1)), "other", (2, 4), 100)
    assert other.source == "x.txt"
    assert melody.with_notes([Note(62, 1)]).title == "song"


def test_source_is_not_part_of_equality():
    assert Melody((Note(60, 1),), source="a") == Melody((Note(60, 1),), source="b")


@pytest.mark.parametrize("kwargs, message", [
    ({"time_signature": (2, 3)}, "time signature must be N/1, N/2, N/4, N/8, N/16 or N/32, got 2/3"),
    ({"time_signature": (0, 4)}, "time signature must be N/1, N/2, N/4, N/8, N/16 or N/32, got 0/4"),
    ({"tempo": 5}, "tempo must be 10..400 quarter notes per minute, got 5"),
    ({"tempo": 401}, "tempo must be 10..400 quarter notes per minute, got 401"),
])
def test_melody_validation(kwargs, message):
    with pytest.raises(ValueError) as error:
        Melody((Note(60, 1),), **kwargs)
    assert str(error.value) == message


@pytest.mark.parametrize("meter, quarters", [((3, 4), 1), ((2, 2), 2), ((6, 8), Fraction(3, 2)),
                                             ((9, 8), Fraction(3, 2)), ((3, 8), Fraction(1, 2))])
def test_a_beat(meter, quarters):
    assert beat(meter) == quarters
