"""The full default run, as a user starts it, and the results the issue asks of it.

``python -m melodygen nabiya --out DIR`` twice (same default seed) and ``--model all`` once,
each in a fresh interpreter.
"""

import json

import pytest
from conftest import (
    NABIYA_SCORE,
    lecture_note,
    midi_notes,
    run_melodygen,
    score_notes,
    without_padding,
)

from melodygen.core.note import Note
from melodygen.learning.song.config import DEFAULT_MODELS, MODELS

pytestmark = pytest.mark.slow

SONG = [lecture_note(token) for token in NABIYA_SCORE.split()]
KINDS = ("one-step", "full-song")


def run(folder, *args):
    result = run_melodygen("nabiya", "--out", str(folder), *args, cwd=folder.parent)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return result, summary


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("nabiya")
    return {name: (base / name, *run(base / name, *args)) for name, args in
            (("first", ()), ("second", ()), ("all", ("--model", "all")))}


def notes_in(model: dict, kind: str) -> list[Note]:
    return [Note(pitch, length) for pitch, length in model["outputs"][kind]["notes"]]


def test_stateful2_reproduces_the_song(runs):
    _, _, summary = runs["first"]
    stateful2 = summary["models"]["stateful2"]
    assert (stateful2["one_step_right"], stateful2["one_step_wrong_positions"]) == (50, [])
    assert (stateful2["full_song_right"], stateful2["full_song_wrong_positions"]) == (50, [])
    assert notes_in(stateful2, "full-song") == SONG
    assert notes_in(stateful2, "one-step") == SONG


def test_mlp_reaches_the_window_ceiling(runs):
    _, _, summary = runs["first"]
    mlp = summary["models"]["mlp"]
    assert summary["window_ceiling"] == 46
    assert (mlp["one_step_right"], mlp["accuracy"], len(mlp["one_step_wrong_positions"])) == (46, 0.92, 4)


def test_the_table_shows_the_results(runs):
    _, result, _ = runs["first"]
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[3:5]}
    assert list(rows) == list(DEFAULT_MODELS)
    assert rows["mlp"][1:3] == ["46/50", "(92%)"]
    assert rows["stateful2"][1:5] == ["50/50", "(100%)", "50/50", "none"]


@pytest.mark.parametrize("run_name", ["first", "all"])
def test_files_hold_the_notes_the_summary_reports(runs, run_name):
    folder, _, summary = runs[run_name]
    outputs = [("original", summary["original"])] + [
        (f"{name}-{kind}", model["outputs"][kind])
        for name, model in summary["models"].items() for kind in KINDS]
    for stem, files in outputs:
        reported = [Note(pitch, length) for pitch, length in files["notes"]]
        assert midi_notes((folder / f"{stem}.mid").read_bytes()) == reported, stem
        assert without_padding(score_notes((folder / f"{stem}.musicxml").read_bytes())) == reported, stem
    assert [Note(p, d) for p, d in summary["original"]["notes"]] == SONG


def test_same_seed_same_notes_and_bytes(runs):
    first_folder, _, first = runs["first"]
    second_folder, _, second = runs["second"]
    for name in DEFAULT_MODELS:
        for kind in KINDS:
            assert notes_in(first["models"][name], kind) == notes_in(second["models"][name], kind)
        assert first["models"][name]["history"] == second["models"][name]["history"]
    stems = ["original"] + [f"{name}-{kind}" for name in DEFAULT_MODELS for kind in KINDS]
    for stem in stems:
        for suffix in ("mid", "musicxml"):
            name = f"{stem}.{suffix}"
            assert (first_folder / name).read_bytes() == (second_folder / name).read_bytes(), name


def test_model_all(runs):
    folder, result, summary = runs["all"]
    assert list(summary["models"]) == list(MODELS)
    for name, spec in MODELS.items():
        model = summary["models"][name]
        if spec.remembers:  # state, or attention to every note before
            assert (model["one_step_right"], model["full_song_right"]) == (50, 50), name
        else:
            assert model["one_step_right"] == 46, name
            assert model["first_wrong_full_song"] == 8, name
    # Each model is trained from the seed alone: mlp and stateful2 give the default run's files.
    first_folder, _, _ = runs["first"]
    for name in DEFAULT_MODELS:
        for kind in KINDS:
            for suffix in ("mid", "musicxml"):
                file = f"{name}-{kind}.{suffix}"
                assert (folder / file).read_bytes() == (first_folder / file).read_bytes(), file


@pytest.mark.parametrize("seed", range(6))
def test_the_transformer_carries_the_song_and_its_four_note_variant_derails_at_note_8(seed):
    """The lesson of attention: with every note before, 50 of 50 and the whole song replayed;
    limited to the last four notes, the window ceiling and a derailment at note 8, as the MLP."""
    from melodygen.formats.songs import load_song
    from melodygen.learning.backend import configure_tensorflow
    from melodygen.learning.song.config import TrainConfig
    from melodygen.learning.song.experiment import run_song

    configure_tensorflow()
    run = run_song(load_song("nabiya"), ["transformer", "transformer4"], TrainConfig(seed=seed))
    whole, four = run.models
    assert (run.right(whole.one_step), run.right(whole.full_song)) == (50, 50)
    assert run.right(four.one_step) == 46 and run.wrong_positions(four.full_song)[0] == 8
