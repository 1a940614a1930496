"""notation.py: the lecture's tokens <-> notes, song files, headers and bar lines."""

from fractions import Fraction

import pytest
from conftest import LECTURE_NOTE2IDX, NABIYA_SCORE, lecture_note

from melodygen.core.errors import MelodyError
from melodygen.core.note import Melody, Note
from melodygen.formats.notation import (
    format_song,
    format_token,
    parse_notes,
    parse_song,
    parse_token,
    read_song,
)

LECTURE_TOKENS = list(LECTURE_NOTE2IDX)  # c4 d4 ... b4 c8 ... b8


@pytest.mark.parametrize("token, pitch, duration", [
    ("c4", 60, 1), ("d4", 62, 1), ("e4", 64, 1), ("f4", 65, 1), ("g4", 67, 1), ("a4", 69, 1),
    ("b4", 71, 1), ("c8", 60, Fraction(1, 2)), ("g8", 67, Fraction(1, 2)), ("b8", 71, Fraction(1, 2)),
])
def test_parse_lecture_token(token, pitch, duration):
    assert parse_token(token) == Note(pitch, Fraction(duration))


@pytest.mark.parametrize("token", LECTURE_TOKENS)
def test_lecture_token_round_trip(token):
    note = parse_token(token)
    assert note == lecture_note(token)
    assert format_token(note) == token
    assert parse_token(format_token(note)) == note


@pytest.mark.parametrize("token, message", [
    ("h8", "unknown note 'h8'"),
    ("x4", "unknown note 'x4'"),
    ("g", "unknown note 'g'"),
    ("8g", "unknown note '8g'"),
    ("g3", "bad length '3' in 'g3' (use 1, 2, 4, 8, 16, 32, 64, 128 or 256)"),
    ("e0", "bad length '0' in 'e0' (use 1, 2, 4, 8, 16, 32, 64, 128 or 256)"),
    ("c512", "bad length '512' in 'c512' (use 1, 2, 4, 8, 16, 32, 64, 128 or 256)"),
])
def test_parse_token_errors(token, message):
    with pytest.raises(ValueError) as error:
        parse_token(token)
    assert str(error.value) == message


@pytest.mark.parametrize("text, where, message", [
    ("title: x\ntime: 2/4\ng8 e8 h8 e4\n", (3, 7), "unknown note 'h8'"),
    ("g8 e3", (1, 4), "bad length '3' in 'e3' (use 1, 2, 4, 8, 16, 32, 64, 128 or 256)"),
    ("g8 e8 # h8 is a comment\n  x4", (2, 3), "unknown note 'x4'"),
    ("meter: v\ng8", (1, 1), "unknown header 'meter' (known: title, time, tempo, key)"),
    ("key: v\ng8", (1, 1), "bad key 'v' (expected a key like G major, F# minor or D dorian)"),
    ("title: x\ntime: 3/5\ng8", (2, 1), "bad time '3/5' (expected a time signature like 3/4)"),
    ("tempo: fast\ng8", (1, 1), "bad tempo 'fast' (expected quarter notes per minute, 10..400)"),
    ("tempo: 500\ng8", (1, 1), "bad tempo '500' (expected quarter notes per minute, 10..400)"),
    ("title:\ng8", (1, 1), "bad title '' (expected a title)"),
])
def test_song_errors_name_file_line_and_column(text, where, message):
    with pytest.raises(MelodyError) as error:
        parse_song(text, source="songs/x.txt")
    line, column = where
    assert str(error.value) == f"songs/x.txt:{line}:{column}: {message}"
    assert (error.value.source, error.value.line, error.value.column) == ("songs/x.txt", line, column)


def test_song_without_notes():
    with pytest.raises(MelodyError) as error:
        parse_song("title: x\n# nothing\n", source="x.txt")
    assert str(error.value) == "x.txt: no notes in the song"


def test_song_header():
    melody = parse_song("# a comment\ntitle: 나비야 # not part of it\ntime: 2/4\ntempo: 100\n\ng8 e8 e4\n",
                        source="songs/nabiya.txt")
    assert melody == Melody((lecture_note("g8"), lecture_note("e8"), lecture_note("e4")),
                            title="나비야", time_signature=(2, 4), tempo=100.0)
    assert melody.source == "songs/nabiya.txt"


def test_song_header_defaults():
    melody = parse_song("g8 e8", source="songs/little.txt")
    assert (melody.title, melody.time_signature, melody.tempo) == ("little", (4, 4), 120.0)


def test_tokens_run_across_lines_and_stop_at_comments():
    melody = parse_song("g8 e8 # h8 z9\n\ne4  f8\td8 #\n", source="x.txt")
    assert melody.notes == tuple(lecture_note(t) for t in "g8 e8 e4 f8 d8".split())


def test_full_bars_pass():
    melody = parse_song("time: 2/4\ng8 e8 e4 | f8 d8 d4 |\nc8 d8 e8 f8 | g8 g8 g4 |", source="x.txt")
    assert len(melody) == 13


def test_only_bars_between_two_bar_lines_are_checked():
    # an upbeat before the first bar line and an unfinished last bar are allowed
    melody = parse_song("time: 2/4\ng8 | c4 c4 | e8", source="x.txt")
    assert [note.duration for note in melody.notes] == [Fraction(1, 2), 1, 1, Fraction(1, 2)]


@pytest.mark.parametrize("text, where, message", [
    ("time: 2/4\ng8 e8 e4 | f8 d8 |", (2, 18), "bar lasts 1 quarter notes, 2/4 needs 2"),
    ("time: 2/4\n| g8 e8 e4 f4 |", (2, 15), "bar lasts 3 quarter notes, 2/4 needs 2"),
    ("time: 2/4\n| g8 e8 e4 |\nf8 d8 d4\nc8 |", (4, 4), "bar lasts 5/2 quarter notes, 2/4 needs 2"),
    ("| g4 g4 g4 |", (1, 12), "bar lasts 3 quarter notes, 4/4 needs 4"),
])
def test_bar_that_does_not_fill_its_measure(text, where, message):
    with pytest.raises(MelodyError) as error:
        parse_song(text, source="x.txt")
    assert str(error.value) == f"x.txt:{where[0]}:{where[1]}: {message}"


def test_parse_notes():
    assert parse_notes("g8 e8 e4") == [lecture_note("g8"), lecture_note("e8"), lecture_note("e4")]


def test_format_song_round_trip(nabiya):
    assert parse_song(format_song(nabiya), source=nabiya.source) == nabiya


def test_bundled_nabiya_is_the_lectures_song(nabiya):
    assert nabiya.notes == tuple(lecture_note(token) for token in NABIYA_SCORE.split())
    assert len(nabiya) == 54
    assert (nabiya.title, nabiya.time_signature, nabiya.tempo) == ("나비야", (2, 4), 100.0)
    assert nabiya.total_length == 32  # 16 full measures of 2/4


def test_read_song(tmp_path):
    path = tmp_path / "song.txt"
    path.write_text("title: 작은 노래\ntime: 2/4\ng8 e8 e4 |\n", encoding="utf-8")
    melody = read_song(path)
    assert melody.title == "작은 노래"
    assert melody.source == str(path)
    assert melody.notes == (lecture_note("g8"), lecture_note("e8"), lecture_note("e4"))


def test_read_song_error_names_the_file(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("title: bad\n\ng8 e8 e4\nf8 h8 d4\n", encoding="utf-8")
    with pytest.raises(MelodyError) as error:
        read_song(path)
    assert str(error.value) == f"{path}:4:4: unknown note 'h8'"


@pytest.mark.parametrize("make, message", [
    (lambda folder: folder / "missing.txt", "cannot read: No such file or directory"),
    (lambda folder: folder, "is a folder, not a song file"),
])
def test_read_song_unreadable(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(MelodyError) as error:
        read_song(path)
    assert str(error.value) == f"{path}: {message}"


def test_read_song_not_utf8(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("title: Hänschen\ng8".encode("latin-1"))
    with pytest.raises(MelodyError) as error:
        read_song(path)
    assert str(error.value) == f"{path}: not UTF-8 text (byte 8)"
