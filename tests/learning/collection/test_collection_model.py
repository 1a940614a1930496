"""learning/collection/model.py and resume.py: a model of a collection trained, saved, loaded; a
training that stops goes on from its last finished epoch and ends as if it had never stopped;
a state of other data or settings is refused."""

from dataclasses import replace

import numpy as np
import pytest

from melodygen.core.collection import Collection, Tune
from melodygen.core.errors import MelodyError
from melodygen.core.note import Melody
from melodygen.formats.notation import parse_notes
from melodygen.learning import resume
from melodygen.learning.collection.config import CollectionModelConfig, CollectionTrainConfig
from melodygen.learning.collection.model import train
from melodygen.learning.kinds import load, read
from melodygen.learning.modelfile import read_metadata

pytestmark = pytest.mark.usefixtures("tensorflow")

SONGS = ["c4 d4 e4 c4 | c4 d4 e4 c4 |", "e4 f4 g2 | e4 f4 g2 |", "g8 a8 g8 f8 e4 c4 | d4 g,4 c2 |",
         "c4 c4 g4 g4 | a4 a4 g2 |", "f4 f4 e4 e4 | d4 d4 c2 |", "c4 e4 g4 c'4 | b4 g4 c'2 |",
         "d4 d8 e8 f4 d4 | e4 c4 d2 |", "g4 e4 e2 | f4 d4 d2 |", "c8 d8 e8 f8 g4 g4 | a4 f4 g2 |",
         "e4 d4 c4 d4 | e4 e4 e2 |"]
SMALL = CollectionModelConfig(units=16, pitch_embedding=8)


def collection(songs=SONGS, name="book.abc") -> Collection:
    tunes = tuple(Tune(Melody(tuple(parse_notes(song.replace("|", " "))), f"t{i}",
                              source=f"{name}:{i + 1}"), name, i + 1, f"t{i}", "4/4", "C")
                  for i, song in enumerate(songs))
    return Collection(name, tunes)


def config(**more) -> CollectionTrainConfig:
    return CollectionTrainConfig(validation=0.2, **more)


def test_train_save_and_load(tmp_path):
    path = tmp_path / "book.melodygen"
    model = train(collection(), SMALL, config(max_epochs=3), save_to=path)
    assert resume.state_path(path).exists()  # the state of the last epoch, until the model is saved
    model.save(path)
    assert not resume.state_path(path).exists()
    metadata = read_metadata(path)
    assert (metadata["kind"], metadata["family"], metadata["format_version"]) == \
        ("collection", "lstm", 3)
    saved = read(path)
    facts = saved.training
    assert (facts.tunes, facts.validation_tunes, facts.epochs) == (8, 2, 3)
    assert saved.meter == (4, 4) and saved.tempo == 120.0
    assert [m.notes for m in saved.reference] == [m.notes for m in model.reference]
    loaded = load(path)
    for mine, theirs in zip(model.network.get_weights(), loaded.network.get_weights()):
        np.testing.assert_array_equal(mine, theirs)


def test_what_a_collection_model_offers(tmp_path):
    from melodygen.core.keys import Key

    model = train(collection(), SMALL, config(max_epochs=1))
    assert (model.kind, model.name, model.family) == ("collection", "lstm", "lstm")
    assert model.key == Key(0, "major")  # the tunes' key, found in their notes
    assert model.lengths == tuple(sorted({n.duration for s in collection() for n in s.melody.notes}))
    defaults = model.defaults
    assert (defaults.title, defaults.time_signature, defaults.bars, defaults.length,
            defaults.primer) == ("Tune", (4, 4), 16, None, ())  # no kind of tune (R:) known
    low, high = model.pitch_range  # relative to the tonic C: the training tunes' lowest and highest
    lowest, highest = model.absolute_range  # their lowest and highest pitch
    assert model.pitch_limits(Key(0, "major")) == (low - 36 + 60, high - 36 + 60) == \
        (lowest, highest)
    # in D the same range relative to the tonic, but never above the highest note learnt
    assert model.pitch_limits(Key(2, "major")) == (low - 36 + 62, highest)
    assert model.pitch_limits(Key(9, "minor")) == model.pitch_limits(Key(0, "major"))  # its signature


class Stop(Exception):
    pass


def stop_after(monkeypatch, epoch: int):
    """Make the training stop (as Ctrl-C) once the state of ``epoch`` is kept."""
    keep = resume.keep

    def keep_then_stop(path, arrays, meta, settings):
        keep(path, arrays, meta, settings)
        if meta["epoch"] == epoch:
            raise Stop
    monkeypatch.setattr(resume, "keep", keep_then_stop)
    return keep


def test_a_stopped_training_resumes_and_ends_as_if_it_never_stopped(tmp_path, monkeypatch):
    settings = config(max_epochs=4, patience=10)
    straight = train(collection(), SMALL, settings, save_to=tmp_path / "a.melodygen")
    keep = stop_after(monkeypatch, 2)
    with pytest.raises(Stop):
        train(collection(), SMALL, settings, save_to=tmp_path / "b.melodygen")
    monkeypatch.setattr(resume, "keep", keep)
    resumed = train(collection(), SMALL, settings, save_to=tmp_path / "b.melodygen", resume=True)
    assert resumed.history.validation_bits == \
        pytest.approx(straight.history.validation_bits, abs=1e-6)
    assert len(resumed.history.validation_bits) == 4  # every epoch counted once
    for mine, theirs in zip(straight.network.get_weights(), resumed.network.get_weights()):
        np.testing.assert_allclose(mine, theirs, atol=1e-6)


def test_resume_without_a_state_is_one_clear_error(tmp_path):
    path = tmp_path / "c.melodygen"
    with pytest.raises(MelodyError) as caught:
        train(collection(), SMALL, config(max_epochs=1), save_to=path, resume=True)
    assert str(caught.value) == f"{path}.partial: no training to resume: its state does not " \
                                "exist; train without --resume"


@pytest.mark.parametrize("change, differs", [
    # another collection with the same lengths, pitches and meters: the same vocabulary
    ({"data": collection(SONGS[::-1], "other.abc")}, "data (another collection, or other tunes of it)"),
    ({"network": replace(SMALL, units=8)}, "model settings (units)"),
    ({"settings": config(max_epochs=4, patience=10, learning_rate=0.01)},
     "training settings (learning rate)"),
])
def test_resume_refuses_a_state_of_other_data_or_settings(tmp_path, monkeypatch, change, differs):
    """Going on from another training's epochs would make a silently wrong model, and other
    sizes would not fit the weights kept: one line that says what differs."""
    path = tmp_path / "d.melodygen"
    settings = config(max_epochs=4, patience=10)
    stop_after(monkeypatch, 1)
    with pytest.raises(Stop):
        train(collection(), SMALL, settings, save_to=path)
    with pytest.raises(MelodyError) as caught:
        train(change.get("data", collection()), change.get("network", SMALL),
              change.get("settings", settings), save_to=path, resume=True)
    assert str(caught.value) == f"{path}.partial: the training state here was made with other " \
                                f"{differs}; train without --resume to start again"


def test_a_damaged_state_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "e.melodygen"
    stop_after(monkeypatch, 1)
    with pytest.raises(Stop):
        train(collection(), SMALL, config(max_epochs=3), save_to=path)
    state = resume.state_path(path)
    data = bytearray(state.read_bytes())
    data[len(data) // 2] ^= 0xFF
    state.write_bytes(bytes(data))
    with pytest.raises(MelodyError) as caught:
        train(collection(), SMALL, config(max_epochs=3), save_to=path, resume=True)
    assert str(caught.value) == f"{state}: no training to resume: its state is damaged; train " \
                                "without --resume"


def test_a_collection_of_one_tune_is_refused_before_tensorflow_trains():
    with pytest.raises(MelodyError) as caught:
        train(collection(SONGS[:1]), SMALL, config(max_epochs=1))
    assert str(caught.value) == "training needs tunes to train on and to validate on; book.abc " \
                                "has 1 tune"
