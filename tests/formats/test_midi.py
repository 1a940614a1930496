"""midi.py, the writer: notes -> MIDI bytes, checked message by message and read back with mido."""

from fractions import Fraction

import pytest
from conftest import merge_rests, midi_notes, read_midi_file
from hypothesis import given, settings
from hypothesis import strategies as st

from melodygen.core.note import Melody, Note
from melodygen.formats.midi import midi_bytes, to_midi, write_midi

EIGHTH, QUARTER = Fraction(1, 2), Fraction(1)


def messages(track) -> list[dict]:
    return [message.dict() for message in track]


def test_file_layout_message_by_message():
    melody = Melody((Note(67, EIGHTH), Note(None, EIGHTH), Note(64, QUARTER), Note(64, EIGHTH)),
                    title="나비야", time_signature=(2, 4), tempo=100)
    midi = read_midi_file(midi_bytes(melody))
    assert (midi.type, midi.ticks_per_beat, len(midi.tracks)) == (1, 480, 2)
    assert messages(midi.tracks[0]) == [
        {"type": "track_name", "name": "나비야", "time": 0},
        {"type": "time_signature", "numerator": 2, "denominator": 4, "clocks_per_click": 24,
         "notated_32nd_notes_per_beat": 8, "time": 0},
        {"type": "set_tempo", "tempo": 600_000, "time": 0},  # 100 quarter notes per minute
        {"type": "end_of_track", "time": 0},
    ]
    note = {"type": "note_on", "velocity": 90, "channel": 0}
    off = {"type": "note_off", "velocity": 0, "channel": 0}
    assert messages(midi.tracks[1]) == [
        {"type": "track_name", "name": "나비야", "time": 0},
        {"type": "program_change", "program": 0, "channel": 0, "time": 0},
        {**note, "note": 67, "time": 0}, {**off, "note": 67, "time": 240},
        {**note, "note": 64, "time": 240},  # the eighth rest: a gap of 240 ticks
        {**off, "note": 64, "time": 480},
        {**note, "note": 64, "time": 0}, {**off, "note": 64, "time": 240},
        {"type": "end_of_track", "time": 0},
    ]


@pytest.mark.parametrize("duration, ticks", [
    (Fraction(1, 4), 120), (EIGHTH, 240), (Fraction(3, 4), 360), (QUARTER, 480),
    (Fraction(3, 2), 720), (Fraction(2), 960), (Fraction(4), 1920),
])
def test_note_length_in_ticks(duration, ticks):
    track = to_midi(Melody((Note(60, duration),))).tracks[1]
    note_off = [message for message in track if message.type == "note_off"]
    assert [message.time for message in note_off] == [ticks]


def test_rests_at_both_ends_are_gaps():
    melody = Melody((Note(None, QUARTER), Note(60, EIGHTH), Note(None, Fraction(3, 2))))
    track = to_midi(melody).tracks[1]
    assert [(message.type, message.time) for message in track][2:] == [
        ("note_on", 480), ("note_off", 240), ("end_of_track", 720)]


@pytest.mark.parametrize("tempo, microseconds", [(100, 600_000), (120, 500_000), (60, 1_000_000)])
def test_tempo(tempo, microseconds):
    conductor = to_midi(Melody((Note(60, 1),), tempo=tempo)).tracks[0]
    assert [message.tempo for message in conductor if message.type == "set_tempo"] == [microseconds]


def test_track_name_can_differ_from_the_title():
    midi = to_midi(Melody((Note(60, 1),), title="나비야"), track_name="mlp")
    assert [m.name for m in midi.tracks[0] if m.type == "track_name"] == ["나비야"]
    assert [m.name for m in midi.tracks[1] if m.type == "track_name"] == ["mlp"]


def test_length_that_is_no_whole_number_of_ticks():
    with pytest.raises(ValueError) as error:
        to_midi(Melody((Note(60, 1), Note(62, Fraction(1, 1000)))))
    assert str(error.value) == ("note 2 lasts 1/1000 quarter notes, not a whole number of ticks "
                                "at 480 per quarter")


def test_nabiya_round_trip(nabiya):
    assert midi_notes(midi_bytes(nabiya)) == list(nabiya.notes)


def test_same_melody_same_bytes(nabiya):
    assert midi_bytes(nabiya) == midi_bytes(Melody(nabiya.notes, nabiya.title, (2, 4), 100))


def test_write_midi(tmp_path, nabiya):
    path = tmp_path / "nabiya.mid"
    assert write_midi(nabiya, path) == path
    assert path.read_bytes() == midi_bytes(nabiya)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nabiya.mid"]


notes = st.builds(Note, st.one_of(st.none(), st.integers(0, 127)),
                  st.integers(1, 32).map(lambda sixteenths: Fraction(sixteenths, 4)))


@settings(max_examples=60, deadline=None)
@given(st.lists(notes, min_size=1, max_size=30))
def test_any_melody_round_trips(melody_notes):
    """Pitches and lengths come back exactly; adjacent rests come back as one gap."""
    assert midi_notes(midi_bytes(Melody(melody_notes))) == merge_rests(melody_notes)
