"""presentation/run_files.py: the files of a run and summary.json, for a run with made-up predictions."""

import json
from fractions import Fraction
from itertools import accumulate

import numpy as np
import pytest
from conftest import NABIYA_SCORE, midi_notes, score_notes, without_padding

from melodygen.core.note import Note
from melodygen.learning.backend import configure_tensorflow
from melodygen.learning.song.config import MODELS, TrainConfig
from melodygen.learning.song.experiment import ModelRun, SongRun, prepare
from melodygen.presentation.engrave import read_svg
from melodygen.presentation.folder import MANIFEST
from melodygen.presentation.run_files import build_summary, write_outputs

configure_tensorflow()

from melodygen.learning.song.training import History, TrainResult  # noqa: E402

D8 = 8  # the lecture's index of d8


def made_up_run(nabiya) -> SongRun:
    """mlp: one-step wrong at windows 0 and 25, full song all d8; stateful2: both right."""
    vocabulary, dataset = prepare(nabiya, 4)
    one_step = dataset.targets.copy()
    one_step[[0, 25]] = 13
    training = TrainResult(None, History(loss=[2.5, 1.25, 0.5], accuracy=[0.2, 0.5, 0.96]),
                           seconds=1.2345, target=46, reached_epoch=None)
    perfect = TrainResult(None, History(loss=[2.0, 0.125], accuracy=[0.5, 1.0]),
                          seconds=2.5, target=50, reached_epoch=2)
    models = [ModelRun(MODELS["mlp"], training, one_step, np.full(50, D8, dtype=np.int32)),
              ModelRun(MODELS["stateful2"], perfect, dataset.targets.copy(), dataset.targets.copy())]
    return SongRun(nabiya, vocabulary, dataset, TrainConfig(epochs=3, seed=7), models)


@pytest.fixture(scope="module")
def written(nabiya, tmp_path_factory):
    folder = tmp_path_factory.mktemp("out")
    return folder, write_outputs(made_up_run(nabiya), folder).to_json()


STEMS = ["original", "mlp-one-step", "mlp-full-song", "stateful2-one-step", "stateful2-full-song"]


def test_every_file_is_written(written):
    """The lecture's files: MIDI and MusicXML of the song and of each prediction, the loss plot,
    summary.json (other files may come along)."""
    folder, _ = written
    expected = {f"{stem}.{suffix}" for stem in STEMS for suffix in ("mid", "musicxml")}
    written_files = {path.name for path in folder.iterdir()}
    assert written_files >= expected | {"loss.png", "summary.json"}
    assert [name for name in written_files if name.startswith(".")] == [MANIFEST]  # no temporary files
    assert (folder / "loss.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_summary_json_is_the_returned_summary(written):
    folder, summary = written
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8")) == summary


def test_summary_of_the_run(written):
    _, summary = written
    assert summary["song"] == {"title": "나비야", "source": summary["song"]["source"], "notes": 54,
                               "time_signature": "2/4", "tempo": 100.0, "key": "C major"}
    assert summary["ambiguous_contexts"][0] == {
        "context": "f8 d8 d4 c8", "next": [{"note": "e8", "positions": [22, 49]},
                                           {"note": "d8", "positions": [8]}]}
    assert len(summary["ambiguous_contexts"]) == 4
    assert summary["song"]["source"].endswith("nabiya.txt")
    assert (summary["window"], summary["samples"], summary["window_ceiling"]) == (4, 50, 46)
    assert summary["vocabulary"] == [[pitch, length] for length in ("1", "1/2")
                                     for pitch in (60, 62, 64, 65, 67, 69, 71)]
    assert summary["config"] == {"epochs": 3, "seed": 7, "recipe": "fast",
                                 "learning_rate": TrainConfig(epochs=3, seed=7).rate, "window": 4}
    assert set(summary["versions"]) >= {"python", "tensorflow", "keras", "numpy", "mido", "music21"}
    assert summary["loss_plot"] == "loss.png"
    assert list(summary["models"]) == ["mlp", "stateful2"]


def test_summary_of_each_model(written):
    _, summary = written
    mlp, stateful2 = summary["models"]["mlp"], summary["models"]["stateful2"]
    song = NABIYA_SCORE.split()
    d8_right = [i + 5 for i, token in enumerate(song[4:]) if token == "d8"]
    full_wrong = [position for position in range(5, 55) if position not in d8_right]
    expected_mlp = {
        "encoding": "index", "stateful": False, "accuracy": 0.96, "one_step_right": 48,
        "full_song_right": len(d8_right), "one_step_wrong_positions": [5, 30],
        "full_song_wrong_positions": full_wrong, "first_wrong_full_song": 6, "epochs": 3,  # note 6: d4
        "target_right": 46, "reached_epoch": None, "training_seconds": 1.234, "final_loss": 0.5,
        "seed": 7, "history": {"loss": [2.5, 1.25, 0.5], "accuracy": [0.2, 0.5, 0.96]},
    }
    assert {key: mlp[key] for key in expected_mlp} == expected_mlp
    assert mlp["description"] == MODELS["mlp"].description
    one_step = song[:4] + ["b8"] + song[5:29] + ["b8"] + song[30:]
    assert mlp["predicted_tokens"] == {"one-step": " ".join(one_step),
                                       "full-song": " ".join(song[:4] + ["d8"] * 50)}
    expected_stateful2 = {
        "encoding": "features", "stateful": True, "accuracy": 1.0, "one_step_right": 50,
        "full_song_right": 50, "one_step_wrong_positions": [], "full_song_wrong_positions": [],
        "first_wrong_full_song": None, "epochs": 2, "target_right": 50, "reached_epoch": 2,
    }
    assert {key: stateful2[key] for key in expected_stateful2} == expected_stateful2


def test_notes_and_tokens_of_each_output(written):
    _, summary = written
    song = NABIYA_SCORE.split()
    one_step = list(song)
    one_step[4] = one_step[29] = "b8"
    expected = {
        "original": song,
        "mlp-one-step": one_step,
        "mlp-full-song": song[:4] + ["d8"] * 50,
        "stateful2-one-step": song,
        "stateful2-full-song": song,
    }
    outputs = {"original": summary["original"]}
    for name, model in summary["models"].items():
        outputs.update({f"{name}-{kind}": files for kind, files in model["outputs"].items()})
    assert set(outputs) == set(expected)
    for stem, files in outputs.items():
        assert files["midi"] == f"{stem}.mid" and files["musicxml"] == f"{stem}.musicxml"
        assert files["tokens"] == " ".join(expected[stem])
        assert len(files["notes"]) == 54


@pytest.mark.parametrize("stem", STEMS)
def test_files_hold_the_notes_the_summary_reports(written, stem):
    folder, summary = written
    outputs = summary["original"] if stem == "original" else \
        summary["models"][stem.split("-")[0]]["outputs"][stem.split("-", 1)[1]]
    reported = [Note(pitch, length) for pitch, length in outputs["notes"]]
    assert midi_notes((folder / outputs["midi"]).read_bytes()) == reported
    assert without_padding(score_notes((folder / outputs["musicxml"]).read_bytes())) == reported


def test_same_run_same_bytes(written, nabiya, tmp_path):
    folder, _ = written
    write_outputs(made_up_run(nabiya), tmp_path)
    names = [f"{stem}.{suffix}" for stem in STEMS for suffix in ("mid", "musicxml")]
    for name in names + ["loss.png", "summary.json"]:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_build_summary_names_no_files(nabiya):
    summary = build_summary(made_up_run(nabiya)).to_json()
    assert "original" not in summary and "loss_plot" not in summary
    assert all("outputs" not in model for model in summary["models"].values())


def test_one_step_predictions_keep_the_songs_bar_lines(nabiya, tmp_path):
    # One wrong length must not push every later note off its beat: a quarter predicted for the
    # eighth at note 5 is cut to its eighth (labelled with the quarter's token), an eighth
    # predicted for the quarter at note 6 is followed by a rest; every later note keeps its onset.
    run = made_up_run(nabiya)
    predicted = run.dataset.targets.copy()
    predicted[0] = run.vocabulary.index(Note(67, 1))             # note 5: g4 for d8
    predicted[1] = run.vocabulary.index(Note(62, Fraction(1, 2)))  # note 6: d8 for d4
    run.models[0].one_step = predicted
    summary = write_outputs(run, tmp_path, audio=False, report=False)
    files = summary.models["mlp"].outputs["one-step"]
    song = nabiya.notes
    expected = song[:4] + (Note(67, Fraction(1, 2)), Note(62, Fraction(1, 2)),
                           Note(None, Fraction(1, 2))) + song[6:]
    assert files.notes == expected
    assert midi_notes((tmp_path / files.midi).read_bytes()) == list(expected)
    onsets = lambda notes: list(accumulate((n.duration for n in notes), initial=Fraction(0)))
    assert onsets(expected)[7:] == onsets(song)[6:]  # from note 7 on, the song's own onsets
    engraved = read_svg((tmp_path / files.svg).read_bytes())
    assert [(e.note, e.label) for e in engraved if e.marked] == [
        (Note(67, Fraction(1, 2)), "5\ng4"), (Note(62, Fraction(1, 2)), "6")]
    # the grid and summary.json keep what the model predicted
    assert summary.models["mlp"].predictions["one-step"][4:6] == (Note(67, 1), Note(62, Fraction(1, 2)))
    assert summary.models["mlp"].one_step_wrong == [5, 6]
