"""cli.py: short runs writing every file, the closing table, and one line with exit 2 for bad input."""

import contextlib
import io
import json
from pathlib import Path

import pytest
from conftest import (
    NABIYA_SCORE,
    lecture_note,
    midi_notes,
    run_melodygen,
    run_python,
    score_notes,
    without_padding,
)

from melodygen.cli import main
from melodygen.core.note import Note
from melodygen.formats.songs import bundled_songs
from melodygen.learning.song import experiment as pipeline
from melodygen.formats.notation import parse_notes
from melodygen.learning.song.config import DEFAULT_MODELS, MODELS, TrainConfig
from melodygen.presentation.folder import MANIFEST

SONG = [lecture_note(token) for token in NABIYA_SCORE.split()]


def run_cli(*args: str) -> tuple[int, str, str]:
    """melodygen.cli.main(args) in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit:  # argparse: --help, usage errors
            code = exit.code
    return code, out.getvalue(), err.getvalue()


def lecture_files(models) -> set[str]:
    stems = ["original"] + [f"{name}-{kind}" for name in models for kind in ("one-step", "full-song")]
    return {f"{stem}.{suffix}" for stem in stems for suffix in ("mid", "musicxml")} | \
        {"loss.png", "summary.json"}


def outputs_of(summary: dict) -> dict[str, dict]:
    """stem -> the summary's entry for that file pair (notes, file names)."""
    found = {"original": summary["original"]}
    for name, model in summary["models"].items():
        found.update({f"{name}-{kind}": files for kind, files in model["outputs"].items()})
    return found


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli") / "out"
    code, out, err = run_cli("nabiya", "--epochs", "3", "--out", str(folder))
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return code, out, err, folder, summary


@pytest.fixture(scope="module")
def all_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-all") / "out"
    code, out, err = run_cli("nabiya", "--model", "all", "--epochs", "3", "--quiet", "--out", str(folder))
    return code, out, err, folder


def progress_lines(folder, models=DEFAULT_MODELS, epochs=3) -> list[str]:
    """What a run says on stderr when it is not a terminal: a line a stage, and the warning of
    each model stopped at the --epochs cap before its target (all of them, at 3 epochs)."""
    lines = ["loading TensorFlow …"]
    for number, name in enumerate(models, start=1):
        of = f" ({number}/{len(models)})" if len(models) > 1 else ""
        lines += [f"training {name}{of} …", f"predicting with {name}{of} …",
                  f"warning: {name} stopped at the epoch cap ({epochs}) before reaching its target"]
    return lines + [f"writing the files in {folder} …"]


def without_figures(lines: list[str]) -> list[str]:
    """Warning lines cut before their figures (right in one step, the target)."""
    return [line.split(":", 2)[0] + ":" + line.split(":", 2)[1] if line.startswith("warning:")
            else line for line in lines]


def test_default_run_writes_every_file(default_run):
    code, _, err, folder, summary = default_run
    assert code == 0
    assert without_figures(err.splitlines()) == progress_lines(folder)
    names = {path.name for path in folder.iterdir()}
    assert names >= lecture_files(DEFAULT_MODELS)
    assert [name for name in names if name.startswith(".")] == [MANIFEST]  # no temporary files left
    assert list(summary["models"]) == list(DEFAULT_MODELS)
    assert summary["config"] == {"epochs": 3, "seed": 5, "recipe": "fast", "learning_rate": TrainConfig().rate,
                                 "window": 4}
    assert [model["epochs"] for model in summary["models"].values()] == [3, 3]


def test_the_closing_table(default_run):
    _, out, _, folder, summary = default_run
    lines = out.splitlines()
    assert lines[0] == ("나비야: 54 notes, window 4, 50 predictions per model; "
                        "without state at most 46 can be right")
    assert lines[2].split() == ["model", "one-step", "right", "full", "song", "right", "first", "wrong",
                                "epochs", "train", "s"]
    for line, (name, model) in zip(lines[3:5], summary["models"].items()):
        one, full, first = model["one_step_right"], model["full_song_right"], model["first_wrong_full_song"]
        assert line.split() == [name, f"{one}/50", f"({one * 2}%)", f"{full}/50",
                                *(["note", str(first)] if first else ["none"]),
                                "3", f"{model['training_seconds']:.2f}"]
    assert lines[6].startswith("Without state, mlp derails at note ")  # the verdict
    assert lines[lines.index("", 6) + 1].startswith(f"files in {folder}/: ")


def test_summary_figures_match_its_notes(default_run):
    _, _, _, _, summary = default_run
    assert [Note(p, d) for p, d in summary["original"]["notes"]] == SONG
    for model in summary["models"].values():
        for kind, wrong_key, right_key in (("one-step", "one_step_wrong_positions", "one_step_right"),
                                           ("full-song", "full_song_wrong_positions", "full_song_right")):
            notes = parse_notes(model["predicted_tokens"][kind])  # what the model predicted
            assert notes[:4] == SONG[:4] and len(notes) == 54
            written = [Note(p, d) for p, d in model["outputs"][kind]["notes"]]
            if kind == "full-song":
                assert written == notes
            else:  # in the song's time: no longer than the song, every prediction where its note is
                assert sum(n.duration for n in written) <= sum(n.duration for n in SONG)
            wrong = [position for position, (a, b) in enumerate(zip(notes, SONG), start=1) if a != b]
            assert model[wrong_key] == wrong
            assert model[right_key] == 50 - len(wrong)
        assert model["first_wrong_full_song"] == (model["full_song_wrong_positions"] or [None])[0]
        assert model["accuracy"] == model["one_step_right"] / 50


def test_files_hold_the_notes_the_summary_reports(default_run):
    _, _, _, folder, summary = default_run
    outputs = outputs_of(summary)
    kinds = ("one-step", "full-song")
    assert set(outputs) == {"original"} | {f"{name}-{kind}" for name in DEFAULT_MODELS for kind in kinds}
    for stem, files in outputs.items():
        reported = [Note(pitch, length) for pitch, length in files["notes"]]
        assert midi_notes((folder / files["midi"]).read_bytes()) == reported, stem
        assert without_padding(score_notes((folder / files["musicxml"]).read_bytes())) == reported, stem


def test_model_all(all_run):
    code, out, err, folder = all_run
    assert code == 0
    # --quiet: no progress, but the warnings (3 epochs reach no model's target)
    assert [line.split(" stopped")[0] for line in err.splitlines()] == \
        [f"warning: {name}" for name in MODELS]
    assert {path.name for path in folder.iterdir()} >= lecture_files(MODELS)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert list(summary["models"]) == list(MODELS)
    assert [line.split()[0] for line in out.splitlines()[3:3 + len(MODELS)]] == list(MODELS)


def test_real_entry_point(tmp_path):
    """``python -m melodygen`` in a fresh interpreter; without --out it writes out/nabiya/."""
    result = run_melodygen("nabiya", "--epochs", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert without_figures(result.stderr.splitlines()) == progress_lines(Path("out") / "nabiya")
    assert result.stdout.startswith("나비야: 54 notes, window 4")
    assert {path.name for path in (tmp_path / "out" / "nabiya").iterdir()} >= lecture_files(DEFAULT_MODELS)


def test_help_and_list_do_not_import_tensorflow(tmp_path):
    result = run_python(
        "import sys\n"
        "from melodygen.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0\n"
        "assert main(['--list']) == 0\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('tensorflow', 'keras')))\n",
        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("usage: melodygen")
    assert result.stdout.splitlines()[-1] == "[]"
    assert result.stderr == ""


def test_list():
    code, out, err = run_cli("--list")
    assert (code, err) == (0, "")
    rows = [line.split("  ") for line in out.splitlines()]
    assert [row[0] for row in rows] == list(bundled_songs())
    nabiya = [[cell.strip() for cell in row if cell.strip()] for row in rows if row[0] == "nabiya"]
    assert nabiya == [["nabiya", "나비야", "54 notes", "2/4", "100 bpm"]]


@pytest.fixture
def no_training(monkeypatch):
    """Bad input must be refused before any training."""
    def fail(*args, **kwargs):
        raise AssertionError("training started")
    monkeypatch.setattr(pipeline, "run_song", fail)


def test_unknown_song(no_training, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("nosuch", "--epochs", "3") == \
        (2, "", f"unknown song 'nosuch'; bundled songs: {', '.join(bundled_songs())}\n")
    assert list(tmp_path.iterdir()) == []


def test_song_file_with_a_bad_token(no_training, tmp_path):
    song = tmp_path / "bad.txt"
    song.write_text("title: bad\ntime: 2/4\ng8 e8 h8 e8 |\n", encoding="utf-8")
    assert run_cli(str(song), "--epochs", "3", "--out", str(tmp_path / "out")) == \
        (2, "", f"{song}:3:7: unknown note 'h8'\n")
    assert [path.name for path in tmp_path.iterdir()] == ["bad.txt"]


def test_song_shorter_than_window_plus_one(no_training, tmp_path):
    song = tmp_path / "short.txt"
    song.write_text("g8 e8 e4 f8\n", encoding="utf-8")
    assert run_cli(str(song), "--epochs", "3", "--out", str(tmp_path / "out")) == \
        (2, "", f"{song}: melody has 4 notes; a window of 4 needs at least 5\n")
    assert [path.name for path in tmp_path.iterdir()] == ["short.txt"]


@pytest.mark.parametrize("command", [(), ("train",)])
def test_song_shorter_than_window_counts_its_rests_apart(no_training, tmp_path, command):
    """Two notes and a rest: "2 notes and 1 rest", not "3 notes"."""
    song = tmp_path / "rest.txt"
    song.write_text("c4 r4 d4\n", encoding="utf-8")
    assert run_cli(*command, str(song), "--epochs", "3") == \
        (2, "", f"{song}: melody has 2 notes and 1 rest; a window of 4 needs at least 5 notes "
                "and rests\n")
    assert [path.name for path in tmp_path.iterdir()] == ["rest.txt"]


def test_output_folder_under_a_regular_file(no_training, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("somefile").write_bytes(b"keep")
    assert run_cli("nabiya", "--epochs", "3", "--out", "somefile/sub") == \
        (2, "", "somefile/sub: cannot make this folder: somefile is a file\n")
    assert run_cli("nabiya", "--epochs", "3", "--out", "somefile") == \
        (2, "", "somefile: is a file, not a folder; give a folder to write in\n")
    assert [path.name for path in tmp_path.iterdir()] == ["somefile"]
    assert Path("somefile").read_bytes() == b"keep"


def test_output_folder_in_proc(no_training):
    code, out, err = run_cli("nabiya", "--epochs", "3", "--out", "/proc/melodygen-test")
    assert (code, out) == (2, "")
    assert err == "/proc/melodygen-test: cannot write output folder: No such file or directory\n"


@pytest.mark.parametrize("args, message", [
    (["--model", "gru"], "unknown model 'gru'; known: mlp, lstm, stateful, stateful2, transformer, transformer4 or all"),
    (["--epochs", "0"], "epochs must be at least 1, got 0"),
    (["--learning-rate", "-1"], "learning rate must be positive, got -1.0"),
])
def test_bad_options(no_training, tmp_path, args, message):
    assert run_cli("nabiya", "--out", str(tmp_path / "out"), *args) == (2, "", message + "\n")
    assert list(tmp_path.iterdir()) == []


def test_no_song(no_training):
    code, out, err = run_cli()
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith("usage: melodygen")
    assert err.splitlines()[-1] == "melodygen: error: give a song name or file, or --list"
