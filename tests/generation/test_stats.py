"""generation/stats.py: one statistics type for any new melody: pitch-class entropy, the share in
the key, whole bars, the ending, and the longest run copied from a reference melody in any
transposition."""

import math
import random
from fractions import Fraction

import pytest

from melodygen.core.keys import Key
from melodygen.core.note import Melody, Note
from melodygen.formats.notation import parse_notes
from melodygen.generation.stats import Copy, CopyIndex, bar_check, melody_stats, \
    pitch_class_entropy

NABIYA_LAST_LINE = "g8 e8 e4 f8 d8 d4 c8 e8 g8 g8 e8 e8 e4"  # notes 42-54 of the song
C_MAJOR = Key(0, "major")


def melody(tokens: str, **settings) -> Melody:
    return Melody(tuple(parse_notes(tokens)), **settings)


@pytest.mark.parametrize("pitches, bits", [
    ([60, 62, 64, 65], 2.0),
    ([60, 72, 84], 0.0),         # one pitch class in three octaves
    ([60, 62, 62, 64], 1.5),
    (list(range(60, 72)), math.log2(12)),
    ([], 0.0),
])
def test_pitch_class_entropy(pitches, bits):
    assert pitch_class_entropy(pitches) == pytest.approx(bits, abs=1e-12)


def test_bars():
    def three_four(tokens, pickup=0):
        return melody(tokens, time_signature=(3, 4), pickup=Fraction(pickup))
    assert bar_check(three_four("c4 c2 c2.")) == (2, True)
    assert bar_check(three_four("c2 c2 c4")) == (1, False)   # the second half note crosses
    assert bar_check(three_four("c4 c2. c4", 1)) == (1, False)  # a pickup, then 1 bar and a third
    # a last bar short by the pickup, as a tune with one is written: whole
    assert bar_check(three_four("c4 c2. c2", 1)) == (2, True)
    assert bar_check(three_four("c4 c2. c2.", 1)) == (2, True)


def test_the_longest_copy_in_any_transposition():
    reference = [melody("c4 d4 e4 f4 g2 e4 c4"), melody("g4 g4 a4 b4 c'2 r4 b4 a4")]
    index = CopyIndex(reference)
    # the second tune's a4 b4 c'2 b4 a4 a tone lower (rests are no notes), after one new note
    assert index.longest(melody("e8 g4 a4 bb2 a4 g4 d4")) == Copy(5, 2, 1, 3)
    assert index.longest(melody("c4 d4 e4 f4 g2 e4 c4")) == Copy(7, 1, 0, 1)
    assert index.longest(melody("c16 d16")) is None  # no such length
    assert index.longest(melody("c4 c#4")) == Copy(2, 1, 0, 3)  # e4 f4
    assert index.longest(melody("c4 c#8")) == Copy(1, 1, 0, 1)


def test_the_longest_copy_agrees_with_a_search_of_every_run():
    rng = random.Random(3)
    tokens = ["c4", "d4", "e8", "f8", "g4", "a2", "b8", "c'4"]
    reference = [melody(" ".join(rng.choice(tokens) for _ in range(30))) for _ in range(5)]
    index = CopyIndex(reference)

    def symbols(m):
        notes = [n for n in m.notes if n.pitch is not None]
        return [n.duration for n in notes], [(b.pitch - a.pitch, b.duration)
                                              for a, b in zip(notes, notes[1:])]

    def naive(tune):
        lengths, pairs = symbols(tune)
        best = 0
        for ref in reference:
            r_lengths, r_pairs = symbols(ref)
            for i in range(len(lengths)):
                for j in range(len(r_lengths)):
                    if lengths[i] != r_lengths[j]:
                        continue
                    n = 1
                    while i + n - 1 < len(pairs) and j + n - 1 < len(r_pairs) and \
                            pairs[i + n - 1] == r_pairs[j + n - 1]:
                        n += 1
                    best = max(best, n)
        return best

    for _ in range(20):
        tune = melody(" ".join(rng.choice(tokens) for _ in range(25)))
        found = index.longest(tune)
        assert (found.length if found else 0) == naive(tune)


def test_statistics_of_nabiyas_last_line(nabiya):
    line = melody(NABIYA_LAST_LINE, time_signature=(2, 4))
    stats = melody_stats(line, C_MAJOR, CopyIndex([nabiya]), ["나비야"], bits=1.25,
                         reference_bits=2.5)
    counts = {"g": 3, "e": 6, "f": 1, "d": 2, "c": 1}
    entropy = -sum(n / 13 * math.log2(n / 13) for n in counts.values())
    assert stats.to_json() == {
        "notes": 13, "lowest": "C4", "highest": "G4", "range_semitones": 7,
        "pitch_class_entropy_bits": round(entropy, 4), "key": "C major", "in_key": 1.0,
        "longest_copy": {"notes": 13, "start": 1, "melody": "나비야", "melody_start": 42},
        "bars": 4, "full_bars": True, "ends_on_tonic": False, "bits_per_note": 1.25,
        "reference_bits_per_note": 2.5}


def test_copies_are_looked_for_among_the_new_notes_only(nabiya):
    line = melody("g8 e8 e4 f8 d8 d4 c8 e8", time_signature=(2, 4))
    new = line.notes[4:]  # the first four notes were the primer
    stats = melody_stats(line, C_MAJOR, CopyIndex([nabiya]), ["나비야"], new)
    assert (stats.copy.length, stats.copy.start) == (4, 1)
    assert stats.notes == 8  # the rest of the statistics: the whole melody


def test_notes_out_of_the_key_and_rests():
    stats = melody_stats(melody("c4 r4 e4 f#4 c4"), C_MAJOR)
    assert (stats.notes, stats.lowest, stats.highest, stats.range) == (4, 60, 66, 6)
    assert stats.in_key == pytest.approx(3 / 4) and stats.ends_on_tonic
    assert stats.copy is None and stats.bits is None  # nothing to compare with
    assert melody_stats(melody("c4 e4"), Key(9, "minor")).in_key == 1.0


def test_a_melody_of_rests():
    stats = melody_stats(Melody((Note(None, Fraction(4)),)), C_MAJOR)
    assert (stats.notes, stats.lowest, stats.in_key, stats.ends_on_tonic, stats.bars) == \
        (0, None, None, False, 1)
