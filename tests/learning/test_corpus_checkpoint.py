"""learning/corpus_checkpoint.py: a model of a collection trained, saved, loaded; a training that
stops goes on from its last finished epoch and ends as if it had never stopped."""

import numpy as np
import pytest

from melodygen.core.collection import Collection, Tune
from melodygen.core.errors import MelodyError
from melodygen.core.note import Melody
from melodygen.formats.notation import parse_notes
from melodygen.learning.checkpoint import model_kind, read_checkpoint, read_metadata
from melodygen.learning.config import CorpusModelConfig, CorpusTrainConfig
from melodygen.learning.corpus_checkpoint import (load_corpus, partial_path,
                                                   read_corpus_checkpoint, train_on_collection)

pytestmark = pytest.mark.usefixtures("tensorflow")

SONGS = ["c4 d4 e4 c4 | c4 d4 e4 c4 |", "e4 f4 g2 | e4 f4 g2 |", "g8 a8 g8 f8 e4 c4 | d4 g,4 c2 |",
         "c4 c4 g4 g4 | a4 a4 g2 |", "f4 f4 e4 e4 | d4 d4 c2 |", "c4 e4 g4 c'4 | b4 g4 c'2 |",
         "d4 d8 e8 f4 d4 | e4 c4 d2 |", "g4 e4 e2 | f4 d4 d2 |", "c8 d8 e8 f8 g4 g4 | a4 f4 g2 |",
         "e4 d4 c4 d4 | e4 e4 e2 |"]
SMALL = CorpusModelConfig(units=16, pitch_embedding=8)


def collection() -> Collection:
    tunes = tuple(Tune(Melody(tuple(parse_notes(song.replace("|", " "))), f"t{i}",
                              source=f"book.abc:{i + 1}"), "book.abc", i + 1, f"t{i}", "4/4", "C")
                  for i, song in enumerate(SONGS))
    return Collection("book.abc", tunes)


def test_train_save_and_load(tmp_path):
    path = tmp_path / "book.melodygen"
    model = train_on_collection(collection(), SMALL, CorpusTrainConfig(max_epochs=3),
                                validation=0.2, save_to=path)
    assert partial_path(path).exists()  # the state of the last epoch, until the model is saved
    model.save(path)
    assert not partial_path(path).exists()
    metadata = read_metadata(path)
    assert (model_kind(metadata), metadata["format_version"]) == ("corpus", 2)
    checkpoint = read_corpus_checkpoint(path)
    facts = checkpoint.facts
    assert (facts.tunes, facts.validation_tunes, facts.epochs) == (8, 2, 3)
    assert checkpoint.meter == (4, 4) and checkpoint.tempo == 120.0
    assert [m.notes for m in checkpoint.reference] == \
        [m.notes for m in model.checkpoint.reference]  # the training tunes, exactly
    loaded = load_corpus(path)
    for mine, theirs in zip(model.model.get_weights(), loaded.model.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    with pytest.raises(MelodyError, match="a model of a collection \\(book.abc\\), not of one song"):
        read_checkpoint(path)


class Stop(Exception):
    pass


def test_a_stopped_training_resumes_and_ends_as_if_it_never_stopped(tmp_path, monkeypatch):
    config = CorpusTrainConfig(max_epochs=4, patience=10)
    straight = train_on_collection(collection(), SMALL, config, validation=0.2,
                                   save_to=tmp_path / "a.melodygen")
    from melodygen.learning import corpus_checkpoint

    keep = corpus_checkpoint.keep_state

    def keep_then_stop(path, state, config):
        keep(path, state, config)
        if state.epoch == 2:
            raise Stop  # as Ctrl-C after the second epoch
    monkeypatch.setattr(corpus_checkpoint, "keep_state", keep_then_stop)
    with pytest.raises(Stop):
        train_on_collection(collection(), SMALL, config, validation=0.2,
                            save_to=tmp_path / "b.melodygen")
    monkeypatch.setattr(corpus_checkpoint, "keep_state", keep)
    resumed = train_on_collection(collection(), SMALL, config, validation=0.2,
                                  save_to=tmp_path / "b.melodygen", resume=True)
    assert resumed.checkpoint.history.validation_bits == \
        pytest.approx(straight.checkpoint.history.validation_bits, abs=1e-6)
    assert len(resumed.checkpoint.history.validation_bits) == 4  # every epoch counted once
    for mine, theirs in zip(straight.model.get_weights(), resumed.model.get_weights()):
        np.testing.assert_allclose(mine, theirs, atol=1e-6)


def test_resume_without_a_state_is_one_clear_error(tmp_path):
    with pytest.raises(MelodyError, match="no training to resume"):
        train_on_collection(collection(), SMALL, CorpusTrainConfig(max_epochs=1),
                            save_to=tmp_path / "c.melodygen", resume=True)
