"""generation/stats.py: pitch-class entropy, the longest copied phrase, a melody's statistics."""

import math
from fractions import Fraction

import pytest

from melodygen.core.note import Melody, Note
from melodygen.formats.notation import parse_notes
from melodygen.generation.stats import (
    Copy,
    longest_copy,
    longest_copy_in,
    melody_stats,
    pitch_class_entropy,
)

NABIYA_LAST_LINE = "g8 e8 e4 f8 d8 d4 c8 e8 g8 g8 e8 e8 e4"  # notes 42-54 of the song


def melody(tokens: str) -> Melody:
    return Melody(tuple(parse_notes(tokens)))


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
    stats = melody_stats(parse_notes("c4 r4 e4 f#4"), (song,))
    assert stats.longest_copy == Copy(3, 1, 1)
    assert (stats.notes, stats.lowest, stats.highest, stats.range) == (3, 60, 66, 6)
    assert str(stats.key) == "C major" and stats.in_scale == pytest.approx(2 / 3)


def test_statistics_of_nabiyas_last_line(nabiya):
    stats = melody_stats(parse_notes(NABIYA_LAST_LINE), (nabiya,))
    counts = {"g": 3, "e": 6, "f": 1, "d": 2, "c": 1}
    entropy = -sum(n / 13 * math.log2(n / 13) for n in counts.values())
    assert stats.to_json() == {
        "notes": 13, "lowest": "C4", "highest": "G4", "range_semitones": 7,
        "pitch_class_entropy_bits": round(entropy, 4), "key": "C major", "in_scale": 1.0,
        "longest_copy": {"notes": 13, "start": 1, "song_start": 42},
    }


def test_notes_out_of_the_scale(nabiya):
    stats = melody_stats(parse_notes("c4 d4 eb4 f#4 g4"), (nabiya,))
    assert stats.in_scale == pytest.approx(3 / 5)
    assert stats.longest_copy == Copy(1, 2, 6)  # d4; the song has no c4, and no d4 g4 in a row


def test_a_melody_of_rests(nabiya):
    stats = melody_stats([Note(None, Fraction(1))], (nabiya,))
    assert stats.to_json() == {"notes": 0, "lowest": None, "highest": None, "range_semitones": 0,
                               "pitch_class_entropy_bits": 0.0, "key": "C major",
                               "in_scale": None, "longest_copy": None}


def test_longest_copy_among_several_reference_melodies():
    first = Melody(tuple(parse_notes("c4 d4 e4 f4")))
    second = Melody(tuple(parse_notes("g4 e4 d4 c4 d4 e4")))
    assert longest_copy_in(parse_notes("e4 d4 c4 d4"), [first]) == Copy(2, 3, 1)
    assert longest_copy_in(parse_notes("e4 d4 c4 d4"), [first, second]) == Copy(4, 1, 2, tune=1)
    assert longest_copy_in(parse_notes("c4 d4"), [first, second]) == Copy(2, 1, 1, tune=0)
    assert longest_copy_in(parse_notes("a4"), [first, second]) is None
    stats = melody_stats(parse_notes("e4 d4 c4 d4"), [first, second])
    assert stats.to_json()["longest_copy"] == {"notes": 4, "start": 1, "song_start": 2, "tune": 1}
