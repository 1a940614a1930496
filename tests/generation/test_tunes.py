"""generation/tunes.py and the tune statistics: keys and meters, whole bars, the tonic at the end,
the same seed the same tunes; the longest copy found in any transposition."""

from fractions import Fraction

import pytest

from melodygen.core.errors import ConfigError
from melodygen.core.keys import Key
from melodygen.core.note import Melody, Note
from melodygen.formats.notation import parse_notes
from melodygen.generation.stats import CopyIndex, TuneCopy, bar_check
from melodygen.generation.tunes import TuneConfig, parse_key, parse_meter, signature_tonic


@pytest.mark.parametrize("text, key", [("G", Key(7, "major")), ("g major", Key(7, "major")),
                                       ("D minor", Key(2, "minor")), ("F#m", Key(6, "minor")),
                                       ("Bb", Key(10, "major")), ("Ebmaj", Key(3, "major"))])
def test_keys(text, key):
    assert parse_key(text) == key


def test_bad_keys_meters_and_settings():
    with pytest.raises(ConfigError, match="unknown key 'H'"):
        parse_key("H")
    with pytest.raises(ConfigError, match="unknown meter '3/5'"):
        parse_meter("3/5")
    assert parse_meter(" 6/8 ") == (6, 8)
    with pytest.raises(ConfigError, match="bars must be at least 1"):
        TuneConfig(Key(7, "major"), (3, 4), 0)
    with pytest.raises(ConfigError, match="temperature must be a number above 0"):
        TuneConfig(Key(7, "major"), (3, 4), 4, temperature=0.0)
    with pytest.raises(ConfigError, match="the primer lasts 12 quarter notes"):
        TuneConfig(Key(7, "major"), (3, 4), 4, primer=tuple(parse_notes("c1 c1 c1")))


def test_the_signature_tonic_of_a_minor_key_is_its_relative_major():
    assert signature_tonic(Key(9, "minor")) == 0 and signature_tonic(Key(7, "major")) == 7


def test_bars():
    def melody(tokens, pickup=0):
        return Melody(tuple(parse_notes(tokens)), time_signature=(3, 4), pickup=Fraction(pickup))
    assert bar_check(melody("c4 c2 c2.")) == (2, True)
    assert bar_check(melody("c2 c2 c4")) == (1, False)   # the second half note crosses
    assert bar_check(melody("c4 c2. c2", 1)) == (1, False)  # a pickup, then 1 bar and a half
    assert bar_check(melody("c4 c2. c2.", 1)) == (2, True)


def test_the_longest_copy_in_any_transposition():
    reference = [Melody(tuple(parse_notes("c4 d4 e4 f4 g2 e4 c4"))),
                 Melody(tuple(parse_notes("g4 g4 a4 b4 c'2 r4 b4 a4")))]
    index = CopyIndex(reference)
    # the second tune's a4 b4 c'2 b4 a4 a tone lower (rests are no notes), after one new note
    tune = Melody(tuple(parse_notes("e8 g4 a4 bb2 a4 g4 d4")))
    assert index.longest(tune) == TuneCopy(5, 2, 1, 3)
    assert index.longest(Melody(tuple(parse_notes("c4 d4 e4 f4 g2 e4 c4")))) == TuneCopy(7, 1, 0, 1)
    assert index.longest(Melody(tuple(parse_notes("c16 d16")))) is None  # no such length
    assert index.longest(Melody(tuple(parse_notes("c4 c#4")))) == TuneCopy(2, 1, 0, 3)  # e4 f4
    assert index.longest(Melody(tuple(parse_notes("c4 c#8")))) == TuneCopy(1, 1, 0, 1)


def test_the_longest_copy_agrees_with_a_search_of_every_run():
    import random

    rng = random.Random(3)
    tokens = ["c4", "d4", "e8", "f8", "g4", "a2", "b8", "c'4"]
    reference = [Melody(tuple(parse_notes(" ".join(rng.choice(tokens) for _ in range(30)))))
                 for _ in range(5)]
    index = CopyIndex(reference)

    def naive(melody):
        def symbols(m):
            notes = [n for n in m.notes if n.pitch is not None]
            return [n.duration for n in notes], [(b.pitch - a.pitch, b.duration)
                                                  for a, b in zip(notes, notes[1:])]
        lengths, pairs = symbols(melody)
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
        tune = Melody(tuple(parse_notes(" ".join(rng.choice(tokens) for _ in range(25)))))
        found = index.longest(tune)
        assert (found.length if found else 0) == naive(tune)


@pytest.fixture(scope="module")
def model(tmp_path_factory, tensorflow):
    from melodygen.formats.collections import read_collection
    from melodygen.learning.config import CorpusModelConfig, CorpusTrainConfig
    from melodygen.learning.corpus_checkpoint import train_on_collection

    kinder = read_collection("essen/kinder")
    return train_on_collection(kinder, CorpusModelConfig(units=32),
                               CorpusTrainConfig(max_epochs=3), validation=0.1)


@pytest.mark.parametrize("key, meter, bars", [("G", (3, 4), 8), ("D minor", (6, 8), 4),
                                              ("Bb", (2, 4), 6)])
def test_tunes_keep_whole_bars_and_end_on_the_tonic(model, key, meter, bars):
    from melodygen.generation.tunes import generate_tunes

    config = TuneConfig(parse_key(key), meter, bars, count=3, seed=5)
    tunes = generate_tunes(model, config)
    for tune in tunes:
        assert tune.melody.time_signature == meter
        assert bar_check(tune.melody) == (bars, True)
        assert tune.melody.notes[-1].pitch % 12 == parse_key(key).tonic
        assert tune.bits > 0
    assert [t.melody.notes for t in generate_tunes(model, config)] == [t.melody.notes for t in tunes]
    other = generate_tunes(model, TuneConfig(parse_key(key), meter, bars, count=1, seed=6))
    assert other[0].melody.notes != tunes[0].melody.notes


def test_a_primer_starts_every_tune(model):
    from melodygen.generation.tunes import generate_tunes

    primer = tuple(parse_notes("g4 b4 d'4"))
    tunes = generate_tunes(model, TuneConfig(parse_key("G"), (3, 4), 4, primer=primer, count=2,
                                             seed=1))
    assert all(t.melody.notes[:3] == primer and bar_check(t.melody) == (4, True) for t in tunes)
    assert Note(67, Fraction(1)) == primer[0]
