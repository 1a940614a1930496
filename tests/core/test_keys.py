"""core/keys.py: the key of a melody, its scale and its key signature."""

import pytest

from melodygen.core.keys import Key, song_key
from melodygen.core.note import Melody
from melodygen.formats.notation import parse_notes


def melody(tokens: str) -> Melody:
    return Melody(tuple(parse_notes(tokens)))


def test_nabiya_is_in_c_major(nabiya):
    # Krumhansl-Schmuckler alone answers E minor (lots of e), whose scale lacks the song's f.
    key = song_key(nabiya)
    assert key == Key(0, "major") and str(key) == "C major"
    assert sorted(key.scale) == [0, 2, 4, 5, 7, 9, 11]


@pytest.mark.parametrize("tokens, key", [
    ("g4 a4 b4 c'4 d'4 e'4 f#'4 g'4", "G major"),
    ("a4 c'8 b8 a4 e4 a4 b4 c'2 b4 a2", "A minor"),
    ("d4 f4 a4 d'4 c'4 bb4 a4 g4 f4 e4 d2", "D minor"),
])
def test_keys_agree_with_music21_where_the_scale_does_not_decide(tokens, key):
    import music21
    stream = music21.stream.Stream([music21.note.Note(n.pitch, quarterLength=n.duration)
                                    for n in parse_notes(tokens)])
    found = stream.analyze("krumhansl")
    assert str(song_key(melody(tokens))) == key == f"{found.tonic.name} {found.mode}"


def test_minor_scale_is_natural_minor():
    assert sorted(Key(9, "minor").scale) == [0, 2, 4, 5, 7, 9, 11]  # A minor: the white keys


@pytest.mark.parametrize("key, fifths", [
    (Key(0, "major"), 0), (Key(7, "major"), 1), (Key(2, "major"), 2), (Key(11, "major"), 5),
    (Key(6, "major"), 6), (Key(5, "major"), -1), (Key(10, "major"), -2), (Key(1, "major"), -5),
    (Key(9, "minor"), 0), (Key(4, "minor"), 1), (Key(2, "minor"), -1), (Key(3, "minor"), 6),
    (Key(0, "minor"), -3),
])
def test_key_signature(key, fifths):
    assert key.fifths == fifths


def test_a_song_of_rests_has_no_key():
    assert song_key(melody("r4 r2")) is None
