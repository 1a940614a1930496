"""learning/splits.py: song-level folds and parts from a seed; versions of one tune stay together."""


import pytest

from melodygen.core.errors import ConfigError
from melodygen.core.note import Melody
from melodygen.formats.notation import parse_notes
from melodygen.learning.splits import groups, k_folds, same_pitches_key, same_tune_key, split


def melody(tokens: str) -> Melody:
    return Melody(tuple(parse_notes(tokens)))


def tunes(count: int) -> list[Melody]:
    """``count`` different tunes: c4 then a rising run of i+1 eighths."""
    return [melody("c4 " + " ".join(["d8"] * (i + 1))) for i in range(count)]


def test_versions_of_one_tune_share_a_key():
    assert same_tune_key(melody("c4 e8 r8 g4")) == same_tune_key(melody("f4 a8 r8 c'4"))
    assert same_tune_key(melody("c4 e8 g4")) != same_tune_key(melody("c4 e4 g4"))  # rhythm counts
    assert same_pitches_key(melody("c4 e8 g4")) == same_pitches_key(melody("d2 f#2 a8")) == (4, 3)
    assert groups([melody("c4 d4"), melody("e4 f4"), melody("d4 e4")]) == [[0, 2], [1]]


def test_folds_partition_the_tunes_evenly_and_repeat_with_the_seed():
    melodies = tunes(23)
    folds = k_folds(melodies, 10, seed=1)
    assert sorted(i for fold in folds for i in fold) == list(range(23))
    assert sorted(len(fold) for fold in folds) == [2] * 7 + [3] * 3
    assert k_folds(melodies, 10, seed=1) == folds
    assert k_folds(melodies, 10, seed=2) != folds


def test_duplicates_never_straddle_folds():
    melodies = tunes(12) + [Melody(tuple(note if note.pitch is None else
                                         type(note)(note.pitch + 5, note.duration)
                                         for note in m.notes)) for m in tunes(4)]
    for seed in range(5):
        folds = k_folds(melodies, 4, seed)
        fold_of = {i: n for n, fold in enumerate(folds) for i in fold}
        assert all(fold_of[i] == fold_of[12 + i] for i in range(4))


def test_parts():
    parts = split(tunes(100), validation=0.1, test=0.2, seed=3)
    assert (len(parts.train), len(parts.validation), len(parts.test)) == (70, 10, 20)
    assert sorted(parts.train + parts.validation + parts.test) == list(range(100))
    assert split(tunes(100), validation=0.1, test=0.2, seed=3) == parts
    small = split(tunes(3), validation=0.1)
    assert (len(small.train), len(small.validation), small.test) == (2, 1, [])


def test_bad_settings():
    with pytest.raises(ConfigError, match=r"folds must be 2..3 \(the tunes\), got 5"):
        k_folds(tunes(3), 5, 0)
    with pytest.raises(ConfigError, match="validation and test shares"):
        split(tunes(10), validation=0.6, test=0.5)
