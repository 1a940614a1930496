"""notation.py beyond the lecture's 14 tokens: accidentals, octaves, lengths, dots, rests, ties,
pickups, and every error they can raise."""

from fractions import Fraction
from pathlib import Path

import pytest

from melodygen.core.errors import MelodyError
from melodygen.core.note import Melody, Note
from melodygen.formats.notation import (
    duration_to_length,
    format_song,
    format_token,
    length_to_duration,
    parse_notes,
    parse_song,
    parse_token,
)

F = Fraction


@pytest.mark.parametrize("token, pitch, duration", [
    # accidentals
    ("f#8", 66, F(1, 2)), ("bb4", 70, 1), ("eb4", 63, 1), ("c#4", 61, 1), ("cb4", 59, 1),
    ("b#4", 72, 1),
    # octave marks, relative to the octave of middle C
    ("c'4", 72, 1), ("c''4", 84, 1), ("g,8", 55, F(1, 2)), ("a,,2", 45, 2), ("bb,4", 58, 1),
    ("f#'16", 78, F(1, 4)), ("c,,,,4", 12, 1), ("g'''''2", 127, 2), ("c,,,,,4", 0, 1),
    # lengths whole to 32nd
    ("c1", 60, 4), ("c2", 60, 2), ("c4", 60, 1), ("c8", 60, F(1, 2)), ("c16", 60, F(1, 4)),
    ("c32", 60, F(1, 8)),
    # dots
    ("e4.", 64, F(3, 2)), ("e4..", 64, F(7, 4)), ("c1.", 60, 6), ("d8.", 62, F(3, 4)),
    ("a16.", 69, F(3, 8)), ("g2..", 67, F(7, 2)),
])
def test_parse_extended_token(token, pitch, duration):
    assert parse_token(token) == Note(pitch, F(duration))


@pytest.mark.parametrize("token, duration", [
    ("r1", 4), ("r2", 2), ("r4", 1), ("r8", F(1, 2)), ("r16", F(1, 4)), ("r32", F(1, 8)),
    ("r4.", F(3, 2)), ("r2..", F(7, 2)),
])
def test_parse_rest(token, duration):
    note = parse_token(token)
    assert note == Note(None, F(duration))
    assert note.is_rest


@pytest.mark.parametrize("note, token", [
    (Note(66, F(1, 2)), "f#8"), (Note(70, 1), "a#4"), (Note(72, 1), "c'4"), (Note(84, 2), "c''2"),
    (Note(55, F(1, 2)), "g,8"), (Note(45, 4), "a,,1"), (Note(61, F(3, 2)), "c#4."),
    (Note(64, F(7, 4)), "e4.."), (Note(None, F(1, 8)), "r32"), (Note(None, 6), "r1."),
    (Note(0, 1), "c,,,,,4"), (Note(127, F(1, 4)), "g'''''16"),
])
def test_format_token_spells_sharps_and_marks(note, token):
    assert format_token(note) == token
    assert parse_token(token) == note


@pytest.mark.parametrize("duration", [F(5, 4), F(5, 8), F(1, 3), F(9, 2)])
def test_format_token_refuses_a_length_without_token(duration):
    with pytest.raises(ValueError) as error:
        format_token(Note(60, duration))
    assert str(error.value) == (f"a duration of {duration} quarter notes has no token "
                                "(lengths are whole to 256th, with up to two dots)")


def test_lengths_and_durations_are_inverse():
    for length in (1, 2, 4, 8, 16, 32):
        for dots in (0, 1, 2):
            assert duration_to_length(length_to_duration(length, dots)) == (length, dots)
    assert duration_to_length(F(5, 4)) is None


@pytest.mark.parametrize("token, message", [
    ("c'''''''4", "bad octave in \"c'''''''4\": MIDI pitch 144 is outside 0..127"),
    ("a'''''4", "bad octave in \"a'''''4\": MIDI pitch 129 is outside 0..127"),
    ("cb,,,,,4", "bad octave in 'cb,,,,,4': MIDI pitch -1 is outside 0..127"),
    ("c',4", "bad octave in \"c',4\": use ' to go up or , to go down, not both"),
    ("c5", "bad length '5' in 'c5' (use 1, 2, 4, 8, 16, 32, 64, 128 or 256)"),
    ("r3", "bad length '3' in 'r3' (use 1, 2, 4, 8, 16, 32, 64, 128 or 256)"),
    ("f#12", "bad length '12' in 'f#12' (use 1, 2, 4, 8, 16, 32, 64, 128 or 256)"),
    ("c4...", "too many dots in 'c4...' (at most 2)"),
    ("C4", "unknown note 'C4' (note letters are lower case: c d e f g a b, r)"),
    ("R8", "unknown note 'R8' (note letters are lower case: c d e f g a b, r)"),
    ("h4", "unknown note 'h4'"),
    ("c#b4", "unknown note 'c#b4'"),
    ("r#4", "unknown note 'r#4'"),
    ("r'4", "unknown note \"r'4\""),
    ("c4~~", "unknown note 'c4~~'"),
    ("c4.~.", "unknown note 'c4.~.'"),
    ("c'", "unknown note \"c'\""),
    ("c4~", "a tie joins two tokens; 'c4~' alone has nothing to join"),
])
def test_bad_token(token, message):
    with pytest.raises(ValueError) as error:
        parse_token(token)
    assert str(error.value) == message


def notes(text: str) -> tuple[Note, ...]:
    return parse_song(text, source="x.txt").notes


def test_tie_joins_notes_of_one_pitch():
    assert notes("c2~ c8 d4") == (Note(60, F(5, 2)), Note(62, 1))
    assert notes("c#4~ db8") == (Note(61, F(3, 2)),)  # the same key, spelt two ways
    assert notes("g4~ g4~ g4") == (Note(67, 3),)


def test_tie_across_a_bar_line():
    melody = parse_song("time: 2/4\nc4 c4~ | c4 d4 |", source="x.txt")
    assert melody.notes == (Note(60, 1), Note(60, 2), Note(62, 1))


def test_tied_rests_are_one_rest():
    assert notes("c4 r4~ r8 d4") == (Note(60, 1), Note(None, F(3, 2)), Note(62, 1))


@pytest.mark.parametrize("text, where, message", [
    ("c4~ d4", (1, 5), "tie from 'c4~' to 'd4': a tie joins two notes of the same pitch"),
    ("c4~ r4", (1, 5), "tie from 'c4~' to 'r4': a tie joins two notes of the same pitch"),
    ("c4 d4~\n# end\n", (1, 4), "tie at the end: 'd4~' has no next note to join"),
])
def test_bad_tie(text, where, message):
    with pytest.raises(MelodyError) as error:
        parse_song(text, source="x.txt")
    assert str(error.value) == f"x.txt:{where[0]}:{where[1]}: {message}"


def test_adjacent_rests_are_one_rest_and_final_rests_are_dropped():
    assert notes("c4 r4 r8 d4 r2 r4") == (Note(60, 1), Note(None, F(3, 2)), Note(62, 1))
    assert notes("r4 c4") == (Note(None, 1), Note(60, 1))  # a leading rest stays


def test_a_song_of_rests_has_no_notes():
    with pytest.raises(MelodyError) as error:
        parse_song("r4 r2", source="x.txt")
    assert str(error.value) == "x.txt: no notes in the song"


def test_parse_notes_keeps_rests_as_written():
    assert parse_notes("g8 r8 r4 e8~ e8") == [Note(67, F(1, 2)), Note(None, F(1, 2)), Note(None, 1),
                                              Note(64, 1)]


def test_full_header():
    melody = parse_song("title: Frère Jacques  # the round\ntime: 6/8\ntempo: 92.5\nc4.", source="x.txt")
    assert (melody.title, melody.time_signature, melody.tempo) == ("Frère Jacques", (6, 8), 92.5)
    assert melody.measure_length == 3


def test_header_without_space_and_in_capitals():
    melody = parse_song("Title:Tune\nTIME : 3/4\nc4", source="x.txt")
    assert (melody.title, melody.time_signature) == ("Tune", (3, 4))


def test_header_after_the_notes():
    with pytest.raises(MelodyError) as error:
        parse_song("c4 d4\ntempo: 90\n", source="x.txt")
    assert str(error.value) == "x.txt:2:1: header 'tempo' after the notes (headers come first)"


@pytest.mark.parametrize("text, pickup", [
    ("time: 3/4\nd4 | g2. |", 1),
    ("time: 3/4\nd8 e8 | g2. |", 1),
    ("time: 2/4\nf16 g16 | a4 a4 |", F(1, 2)),
    ("time: 6/8\nr4 a8 | c'4. c'4. |", F(3, 2)),  # a rest belongs to the pickup too
    ("time: 3/4\nd4 e4 f4 | g2. |", 0),           # a full first measure is no pickup
    ("time: 3/4\n| d4 e4 f4 | g2. |", 0),
    ("time: 3/4\nd4 e4 f4 g2. a4", 0),              # no bar lines, no pickup
])
def test_pickup(text, pickup):
    assert parse_song(text, source="x.txt").pickup == pickup


@pytest.mark.parametrize("text, where, message", [
    ("time: 2/4\ng4 g4 g4 | g4 g4 |", (2, 10), "3 quarter notes before the first bar line; a pickup is "
     "shorter than a measure (2/4 needs 2): a bar line is missing"),
    ("time: 2/4\n| g4 g4 | g4 g4 g4", (2, 9), "3 quarter notes after the last bar line, more than one "
     "measure (2/4 needs 2): a bar line is missing"),
    ("time: 3/4\nd4 | g2 | a2. |", (2, 9), "bar lasts 2 quarter notes, 3/4 needs 3"),
])
def test_bar_errors(text, where, message):
    with pytest.raises(MelodyError) as error:
        parse_song(text, source="x.txt")
    assert str(error.value) == f"x.txt:{where[0]}:{where[1]}: {message}"


def test_the_last_bar_may_be_short():
    melody = parse_song("time: 3/4\nd4 | g2. | g2", source="x.txt")
    assert melody.total_length == 6 and melody.pickup == 1


@pytest.mark.parametrize("text, where, message", [
    ("c4 c,'4", (1, 4), "bad octave in \"c,'4\": use ' to go up or , to go down, not both"),
    ("c4\nc''''''''8", (2, 1), "bad octave in \"c''''''''8\": MIDI pitch 156 is outside 0..127"),
    ("c4 d5", (1, 4), "bad length '5' in 'd5' (use 1, 2, 4, 8, 16, 32, 64, 128 or 256)"),
    ("c4 d512", (1, 4), "bad length '512' in 'd512' (use 1, 2, 4, 8, 16, 32, 64, 128 or 256)"),
    ("  e4...", (1, 3), "too many dots in 'e4...' (at most 2)"),
])
def test_token_errors_name_line_and_column(text, where, message):
    with pytest.raises(MelodyError) as error:
        parse_song(text, source="x.txt")
    assert str(error.value) == f"x.txt:{where[0]}:{where[1]}: {message}"


def test_format_song_writes_bars_pickup_and_ties():
    melody = Melody((Note(62, 1), Note(67, F(3, 2)), Note(67, F(1, 2)), Note(67, F(3, 2)),
                     Note(None, F(1, 2)), Note(70, F(1, 2)), Note(72, F(5, 2)), Note(72, F(5, 8))),
                    title="Tune", time_signature=(3, 4), tempo=90, pickup=1)
    assert format_song(melody, bars_per_line=2) == (
        "title: Tune\ntime: 3/4\ntempo: 90\n"
        "d4 | g4. g8 g4~ |\n"
        "g8 r8 bb8 c'4.~ | c'4 c'8~ c'32\n")  # Bb, not A#: spelt in the song's key
    assert parse_song(format_song(melody), source="x.txt") == melody


def test_format_song_writes_nabiya_as_its_song_file_does(nabiya):
    bars = [line for line in Path(nabiya.source).read_text(encoding="utf-8").splitlines() if "|" in line]
    assert len(bars) == 4
    assert format_song(nabiya) == "title: 나비야\ntime: 2/4\ntempo: 100\n" + "\n".join(bars) + "\n"


def test_format_song_refuses_a_length_no_tokens_make():
    """Lengths are tokens to the 256th note, in tuplets or not: 1/1000 is neither."""
    melody = Melody((Note(60, F(1, 1000)), Note(62, F(999, 1000))))
    with pytest.raises(ValueError) as error:
        format_song(melody)
    assert str(error.value) == ("a length of 1/1000 quarter notes cannot be written with tokens "
                                "(in a tuplet of 125 in the time of 64 it is 1/512, not a multiple "
                                "of a 256th note, 1/64 quarter note)")
    with pytest.raises(ValueError, match="a length of 1/128 quarter notes cannot be written"):
        format_song(Melody((Note(60, F(1, 128)),)))
