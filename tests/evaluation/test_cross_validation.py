"""evaluation: every model on the same folds of a collection, PPM as learning/ppm computes it,
the LSTM trained on the training folds only, and the published figures beside them."""

from fractions import Fraction

import numpy as np
import pytest

from melodygen.core.collection import Collection, Tune
from melodygen.core.errors import ConfigError
from melodygen.core.keys import Key
from melodygen.core.note import Melody
from melodygen.evaluation import NetworkSettings, EvaluationData, PPMModel, evaluate
from melodygen.formats.notation import parse_notes
from melodygen.learning import ppm
from melodygen.learning.collection.config import CollectionTrainConfig
from melodygen.learning.splits import k_folds

SONGS = ["c4 d4 e4 c4", "e4 f4 g2", "g8 a8 g8 f8 e4 c4", "c4 c4 g4 g4 a4 a4 g2", "f4 f4 e4 e4 d2",
         "c4 e4 g4 c'4", "d4 d8 e8 f4 d4"]


def collection() -> Collection:
    tunes = tuple(Tune(Melody(tuple(parse_notes(song)), f"t{i}", source=f"book.abc:{i + 1}",
                              key=Key(0, "major")),  # K:C, as the reader gives it
                       "book.abc", i + 1, f"t{i}", "4/4", "C") for i, song in enumerate(SONGS))
    return Collection("book.abc", tunes)


def test_the_alphabets_come_from_the_whole_collection():
    data = EvaluationData.of(collection())
    assert data.pitches == (60, 62, 64, 65, 67, 69, 72)
    assert data.durations == (Fraction(1, 2), Fraction(1), Fraction(2))
    assert data.pitch_sequences[1].tolist() == [2, 3, 4]
    assert data.tonics == (0,) * 7 and data.keyed == 7 and data.note_count == 34


@pytest.mark.parametrize("name, part, order, escape, flags", [
    ("ppm-c2i", "ltm", 2, "C", (True, False)), ("ppm-c*i", "ltm", None, "C", (True, False)),
    ("ppm-ltm+", "ltm+", None, "C", (True, False)), ("ppm-stm-x*ui", "stm", None, "X", (True, True)),
    ("ppm-both+", "both+", None, "C", (True, False)), ("ppm-ltm-x3", "ltm", 3, "X", (False, False)),
])
def test_ppm_names_in_pearces_notation(name, part, order, escape, flags):
    model = PPMModel.named(name)
    assert (model.part, model.order, model.escape, (model.interpolated, model.update_exclusion)) \
        == (part, order, escape, flags)


def test_unknown_model_names_are_refused():
    with pytest.raises(ConfigError, match="unknown PPM model 'ppm-ltm-q2i'"):
        evaluate(collection(), ["ppm-ltm-q2i"], folds=2)
    with pytest.raises(ConfigError, match="model 'pretrained' needs --pretrain SOURCE"):
        evaluate(collection(), ["pretrained"], folds=2)


def test_ppm_results_are_those_of_the_ppm_module_on_the_same_folds():
    songs = collection()
    result = evaluate(songs, ["ppm-c*i", "ppm-stm"], folds=3, seed=4)
    assert result.folds == k_folds(songs, 3, 4)
    data = EvaluationData.of(songs)
    config = ppm.PPMConfig(len(data.pitches), None, "C", True, False)
    expected = []
    for number, test in enumerate(result.folds):
        train = [i for other, fold in enumerate(result.folds) if other != number for i in fold]
        dists = ppm.long_term_distributions(config, [data.pitch_sequences[i] for i in train],
                                            [data.pitch_sequences[i] for i in test])
        bits = np.concatenate([ppm.bits(d, data.pitch_sequences[i]) for d, i in zip(dists, test)])
        expected.append(bits.mean())
    assert result.models["ppm-c*i"].fold_bits_pitch == pytest.approx(expected, abs=1e-12)
    assert result.models["ppm-c*i"].bits_pitch == pytest.approx(np.mean(expected), abs=1e-12)
    # the first note of a song, predicted by a short-term model that has seen nothing: uniform
    first = result.models["ppm-stm"].folds[0].songs[0]
    assert first.pitch_bits[0] == pytest.approx(np.log2(7))
    out = result.to_json()
    assert set(out) >= {"source", "folds", "songs", "notes", "models"}
    assert (out["source"], out["folds"], out["songs"], out["notes"]) == ("book.abc", 3, 7, 34)
    assert set(out["models"]["ppm-c*i"]) >= {"bits_pitch", "bits_note", "accuracy_pitch",
                                             "fold_bits_pitch"}


@pytest.mark.usefixtures("tensorflow")
def test_the_lstm_learns_the_training_folds_and_scores_every_note():
    songs = collection()
    quick = NetworkSettings(train=CollectionTrainConfig(max_epochs=2, batch_size=4))
    result = evaluate(songs, ["lstm", "lstm+"], folds=2, seed=0, settings=quick)
    for name in ("lstm", "lstm+"):
        model = result.models[name]
        assert [len(fold.songs) for fold in model.folds] == [len(f) for f in result.folds]
        assert sum(len(song) for fold in model.folds for song in fold.songs) == 34
        assert all(np.isfinite(song.pitch_bits).all() and (song.pitch_bits > 0).all()
                   for fold in model.folds for song in fold.songs)
        assert len(model.histories) == 2 and all(len(h.validation_bits) == 2
                                                 for h in model.histories)
    # the LSTM's pitch distributions are over the collection's 7 pitches: never worse than
    # uniform by a mile after two epochs, and its + form learns while it reads
    assert result.models["lstm"].bits_pitch < 2 * np.log2(7)
    assert result.models["lstm+"].bits_pitch != result.models["lstm"].bits_pitch
