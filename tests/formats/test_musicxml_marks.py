"""Marks in the written MusicXML: a model's wrong notes coloured and numbered in the file itself,
so MuseScore (or any reader) shows them; read back here with plain music21."""

from fractions import Fraction

from conftest import parse_score

from melodygen import Melody, load_song, parse_notes
from melodygen.core.keys import Key
from melodygen.formats.musicxml import MARK_COLOR, musicxml_bytes


def events(data: bytes):
    """(note or rest, colour, lyrics) of every written note and rest, tied parts apart."""
    part = parse_score(data).parts[0]
    return [(event, (event.style.color or "").upper() if event.hasStyleInformation else "",
             [lyric.text for lyric in event.lyrics])
            for event in part.flatten().notesAndRests]


def test_marked_notes_are_coloured_and_numbered():
    melody = load_song("nabiya")
    found = events(musicxml_bytes(melody, {8: "8", 9: "9", 20: "20\ne4"}))
    assert len(found) == len(melody)  # 나비야 has no tied notes
    marked = [(position, colour, lyrics) for position, (_, colour, lyrics) in enumerate(found, start=1)
              if colour or lyrics]
    assert marked == [(8, MARK_COLOR, ["8"]), (9, MARK_COLOR, ["9"]), (20, MARK_COLOR, ["20", "e4"])]


def test_positions_alone_are_labelled_with_their_number():
    melody = load_song("nabiya")
    assert musicxml_bytes(melody, [3, 5]) == musicxml_bytes(melody, {3: "3", 5: "5"})
    assert musicxml_bytes(melody) == musicxml_bytes(melody, {})
    assert b"color" not in musicxml_bytes(melody) and b"<lyric" not in musicxml_bytes(melody)


def test_every_tied_part_is_coloured_and_the_first_numbered():
    melody = Melody(tuple(parse_notes("c4 d2 e4 f2. g4")), title="ties", time_signature=(2, 4))
    found = events(musicxml_bytes(melody, [2, 4]))
    # d2 starts on the second beat of bar 1 and is tied over the bar line; f2. fills bar 3
    # and is tied into bar 4
    assert [(str(event.quarterLength), colour, lyrics) for event, colour, lyrics in found] == [
        ("1.0", "", []), ("1.0", MARK_COLOR, ["2"]), ("1.0", MARK_COLOR, []), ("1.0", "", []),
        ("2.0", MARK_COLOR, ["4"]), ("1.0", MARK_COLOR, []), ("1.0", "", [])]


def test_a_marked_rest_gets_its_number_above_it():
    melody = Melody(tuple(parse_notes("c4 r4 e4 g4")), title="rest", time_signature=(4, 4))
    data = musicxml_bytes(melody, [2])
    score = parse_score(data)
    words = [expression.content for expression in score.recurse().getElementsByClass("TextExpression")]
    assert words == ["2"]
    rest = [event for event, _, _ in events(data) if event.isRest][0]
    assert rest.style.color.upper() == MARK_COLOR and rest.offset == 1


def test_the_filler_rest_and_positions_past_the_melody_are_never_marked():
    melody = Melody(tuple(parse_notes("c4 d4 e4")), title="short", time_signature=(4, 4))
    assert b"color" not in musicxml_bytes(melody, [4, 5])


def test_a_prediction_is_written_in_its_songs_key():
    # a melody of d4s alone would get D minor's (or F major's) flat; written in the song's key
    melody = Melody(tuple(parse_notes("d4 d4 d4 d4 bb4")), title="prediction", time_signature=(4, 4))
    assert b"<fifths>-1</fifths>" in musicxml_bytes(melody)
    in_c = musicxml_bytes(melody, key=Key(0, "major"))
    assert b"<fifths>0</fifths>" in in_c
    bb = [event for event, _, _ in events(in_c) if not event.isRest][-1]
    assert (bb.pitch.name, bb.pitch.octave, bb.quarterLength) == ("B-", 4, Fraction(1))
