"""learning/collection/events.py: a tune as the rows of note events a collection model reads, the
columns by name, and the rows back to notes (a round trip)."""

from fractions import Fraction

import numpy as np
import pytest

from melodygen.core.note import Melody, Note
from melodygen.formats.notation import parse_notes
from melodygen.learning.collection.events import (COLUMNS, INPUTS, NO_PITCH, RELATIVE_RANGE,
                                                  Column, EventVocabulary, absolute_pitch,
                                                  decode_rows, encode_song, note_events,
                                                  relative_pitch, tonic)

F = Fraction
TUNE = Melody(tuple(parse_notes("r8 g8 | c4 r4 e4. d8 | c2")), time_signature=(3, 4),
              pickup=F(1))


def test_the_columns_by_name():
    assert [column.name for column in Column] == ["PITCH", "LENGTH", "REST", "POSITION", "METER",
                                                 "TARGET_PITCH", "TARGET_LENGTH", "ONSET"]
    assert COLUMNS == 8 and INPUTS == tuple(Column)[:5]


def test_events_know_the_rest_before_them_and_their_place_in_the_bar():
    events = note_events(TUNE)
    assert [(e.pitch, e.duration, e.rest, e.position, e.end) for e in events] == [
        (67, F(1, 2), F(1, 2), F(5, 6), F(0)),       # the pickup's g8, after an eighth rest
        (60, F(1), F(0), F(0), F(1, 3)),
        (64, F(3, 2), F(1), F(2, 3), F(1, 6)),       # after a quarter rest, across the bar line
        (62, F(1, 2), F(0), F(1, 6), F(1, 3)),
        (60, F(2), F(0), F(1, 3), F(0))]


def test_the_rows_of_a_tune():
    vocabulary = EventVocabulary.from_melodies([TUNE])
    assert vocabulary.durations == (F(1, 2), F(1), F(3, 2), F(2))
    rows = encode_song(TUNE, 0, vocabulary)
    assert rows.shape == (5, COLUMNS) and rows.dtype == np.int32
    first, second, third = rows[:3]
    # each row's onset: where its own note starts in the bar
    assert [vocabulary.onsets[row[Column.ONSET] - 1] for row in rows] == \
        [F(5, 6), F(0), F(2, 3), F(1, 6), F(1, 3)]
    assert first[Column.PITCH] == NO_PITCH and first[Column.METER] == 1
    assert first[Column.TARGET_PITCH] == relative_pitch(67, 0) == 7 + RELATIVE_RANGE
    assert first[Column.TARGET_LENGTH] == vocabulary.duration_index(F(1, 2)) == 1
    # each row reads the event before it: its pitch, length, the rest before it, where it ended
    assert (second[Column.PITCH], second[Column.LENGTH], second[Column.REST]) == \
        (first[Column.TARGET_PITCH], 1, vocabulary.duration_index(F(1, 2)))
    assert second[Column.POSITION] == vocabulary.position_index(F(0))
    assert third[Column.REST] == 0 and rows[3][Column.REST] == vocabulary.duration_index(F(1))


@pytest.mark.parametrize("tonic_class", [0, 7, 10])
def test_rows_back_to_notes(tonic_class):
    """The round trip: every note and every rest but the rests before the last note and after
    it, which no row holds (a model reads a rest once the note after it is played)."""
    vocabulary = EventVocabulary.from_melodies([TUNE])
    shifted = TUNE.with_notes(Note(None if n.pitch is None else n.pitch + tonic_class, n.duration)
                              for n in TUNE.notes)
    notes = decode_rows(encode_song(shifted, tonic_class, vocabulary), tonic_class, vocabulary)
    assert notes == list(shifted.notes)


def test_relative_pitches_and_the_tonic():
    assert [absolute_pitch(relative_pitch(p, 7), 7) for p in (43, 67, 79, 103)] == [43, 67, 79, 103]
    assert relative_pitch(0, 0) == 0 and relative_pitch(127, 0) == 2 * RELATIVE_RANGE  # clipped
    from melodygen.core.keys import Key
    assert tonic(TUNE) == 0  # its file gives no key: C major, found in its notes
    assert tonic(TUNE.with_notes(TUNE.notes)) == 0
    keyed = Melody(TUNE.notes, time_signature=(3, 4), pickup=F(1), key=Key.parse("Bbm"))
    assert tonic(keyed) == 10 and tonic(Melody(TUNE.notes, key=Key.parse("Ador"))) == 9


def test_the_tasks_say_what_a_network_reads():
    from melodygen.learning.collection.events import INPUT_COLUMNS, TASKS

    assert list(TASKS) == ["pitch", "pitch-rhythm-key", "note"]
    pitch, given, note = TASKS.values()
    assert (pitch.inputs, pitch.knows_key, pitch.predicts_length) == (("pitch",), False, False)
    assert pitch.words() == ["the pitches before"]
    assert INPUT_COLUMNS["next_length"] == Column.TARGET_LENGTH
    assert INPUT_COLUMNS["next_onset"] == Column.ONSET
    assert given.knows_key and not given.predicts_length
    assert set(given.inputs) == set(note.inputs) | {"next_length", "next_onset"}
    assert note.predicts_length and note.words()[-1] == "the key"
