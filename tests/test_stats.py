"""stats.py: the song's key and scale, pitch-class entropy, the longest copied phrase."""

import math
from fractions import Fraction

import pytest

from melodygen.notation import parse_notes
from melodygen.note import Melody, Note
from melodygen.stats import Copy, Key, longest_copy, melody_stats, pitch_class_entropy, song_key

NABIYA_LAST_LINE = "g8 e8 e4 f8 d8 d4 c8 e8 g8 g8 e8 e8 e4"  # notes 42-54 of the song


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


@pytest.mark.parametrize("pitches, bits", [
    ([60, 62, 64, 65], 2.0),
    ([60, 72, 84], 0.0),         # one pitch class in three octaves
    ([60, 62, 62, 64], 1.5),
    (list(range(60, 72)), math.log2(12)),
    ([], 0.0),
])
def test_pitch_class_entropy(pitches, bits):
    assert pitch_class_entropy(pitches) == pytest.approx(bits, abs=1e-12)


def test_longest_copy():
    song = parse_notes("c4 d4 e4 f4 g4 e4 d4 c4")
    assert longest_copy(parse_notes("g4 e4 d4 c4 c4"), song) == Copy(4, 1, 5)
    assert longest_copy(parse_notes("a4 d4 e4 a4 e4 f4 g4"), song) == Copy(3, 5, 3)
    assert longest_copy(parse_notes("e4 e4"), song) == Copy(1, 1, 3)  # the earliest of equals
    assert longest_copy(parse_notes("c8 d8 e8"), song) is None        # lengths count too
    assert longest_copy([], song) is None


def test_rests_are_part_of_a_copy_but_not_of_the_pitch_statistics():
    song = melody("c4 r4 e4 g4")
    stats = melody_stats(parse_notes("c4 r4 e4 f#4"), song)
    assert stats.longest_copy == Copy(3, 1, 1)
    assert (stats.notes, stats.lowest, stats.highest, stats.range) == (3, 60, 66, 6)
    assert str(stats.key) == "C major" and stats.in_scale == pytest.approx(2 / 3)


def test_statistics_of_nabiyas_last_line(nabiya):
    stats = melody_stats(parse_notes(NABIYA_LAST_LINE), nabiya)
    counts = {"g": 3, "e": 6, "f": 1, "d": 2, "c": 1}
    entropy = -sum(n / 13 * math.log2(n / 13) for n in counts.values())
    assert stats.to_json() == {
        "notes": 13, "lowest": "C4", "highest": "G4", "range_semitones": 7,
        "pitch_class_entropy_bits": round(entropy, 4), "key": "C major", "in_scale": 1.0,
        "longest_copy": {"notes": 13, "start": 1, "song_start": 42},
    }


def test_notes_out_of_the_scale(nabiya):
    stats = melody_stats(parse_notes("c4 d4 eb4 f#4 g4"), nabiya)
    assert stats.in_scale == pytest.approx(3 / 5)
    assert stats.longest_copy == Copy(1, 2, 6)  # d4; the song has no c4, and no d4 g4 in a row


def test_a_melody_of_rests(nabiya):
    stats = melody_stats([Note(None, Fraction(1))], nabiya)
    assert stats.to_json() == {"notes": 0, "lowest": None, "highest": None, "range_semitones": 0,
                               "pitch_class_entropy_bits": 0.0, "key": "C major",
                               "in_scale": None, "longest_copy": None}
