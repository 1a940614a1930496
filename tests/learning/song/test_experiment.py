"""learning/experiment.py: preparing a song, the helpers of a run, and a short real run."""

import numpy as np
import pytest

import melodygen
from melodygen.core.errors import MelodyError, MelodyWarning
from melodygen.core.note import Melody
from melodygen.learning.song import experiment as pipeline
from melodygen.learning.song.config import DEFAULT_MODELS, MODELS, TrainConfig
from melodygen.learning.song.experiment import ModelRun, SongRun, prepare
from melodygen.learning.song.vocabulary import Vocabulary

pytestmark = pytest.mark.usefixtures("tensorflow")  # trains in this process


@pytest.fixture(scope="module")
def song_run(nabiya):
    vocabulary, dataset = prepare(nabiya, 4)
    return SongRun(nabiya, vocabulary, dataset, TrainConfig(), models=[])


def test_prepare_nabiya(nabiya):
    vocabulary, dataset = prepare(nabiya, 4)
    assert vocabulary == Vocabulary.lecture()
    assert dataset.inputs.shape == (50, 4)
    assert dataset.inputs[0].tolist() == [11, 9, 2, 10]


def test_prepare_a_song_too_short_for_the_window(nabiya):
    short = Melody(nabiya.notes[:4], "short", (2, 4), 100, source="short.txt")
    with pytest.raises(MelodyError) as error:
        prepare(short, 4)
    assert str(error.value) == "short.txt: melody has 4 notes; a window of 4 needs at least 5"


def test_ceiling_and_primer(song_run, nabiya):
    assert song_run.ceiling == 46
    assert song_run.primer() == nabiya.notes[:4]


def test_the_real_next_notes_give_back_the_song(song_run, nabiya):
    melody = song_run.predicted_melody(song_run.dataset.targets, "나비야 - copy")
    assert melody == nabiya.with_notes(nabiya.notes, "나비야 - copy")
    assert song_run.wrong_positions(song_run.dataset.targets) == []


def test_wrong_positions_are_song_positions(song_run):
    predicted = song_run.dataset.targets.copy()
    predicted[[0, 10, 49]] = 13  # b8, a note 나비야 never has
    assert song_run.wrong_positions(predicted) == [5, 15, 54]
    notes = song_run.predicted_melody(predicted, "x").notes
    assert len(notes) == 54
    assert [position + 1 for position, (a, b) in enumerate(zip(notes, song_run.melody.notes))
            if a != b] == [5, 15, 54]


def test_run_song_trains_and_predicts_each_model(nabiya):
    reports, stages = [], []
    with pytest.warns(MelodyWarning, match="stopped at the epoch cap"):
        run = pipeline.run_song(nabiya, DEFAULT_MODELS, TrainConfig(epochs=3),
                                lambda report: reports.append(
                                    (report.model, report.epoch, report.epochs)),
                                lambda *stage: stages.append(stage))
    assert [model.spec for model in run.models] == [MODELS[name] for name in DEFAULT_MODELS]
    assert list(dict.fromkeys(report[0] for report in reports)) == list(DEFAULT_MODELS)
    for name in DEFAULT_MODELS:  # a report after the first epoch (compiling is over), and the last
        mine = [report[1:3] for report in reports if report[0] == name]
        assert mine[0] == (1, 3) and mine[-1] == (3, 3)
    assert stages == [(stage, name) for name in DEFAULT_MODELS for stage in ("train", "predict")]
    assert run.config == TrainConfig(epochs=3)
    assert run.melody is nabiya and run.vocabulary == Vocabulary.lecture()
    for model in run.models:
        assert isinstance(model, ModelRun)
        assert model.training.epochs == 3
        assert model.one_step.shape == model.full_song.shape == (50,)
        assert model.one_step.dtype == model.full_song.dtype == np.int32


def test_run_song_unknown_model(nabiya):
    with pytest.raises(ValueError) as error:
        melodygen.run_song(nabiya, ["gru"], TrainConfig(epochs=1))
    assert str(error.value) == "unknown model 'gru'; known: mlp, lstm, stateful, stateful2, " \
                               "transformer, transformer4"
