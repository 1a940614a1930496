"""`melodygen evaluate`: the table against the published figures in each task, what each model
sees, evaluation.json, report.html, the per-note CSV, one line for a bad model name."""

import csv
import json
import subprocess

import pytest

from external import child_env, melodygen_command


def evaluate(*args, cwd):
    return subprocess.run(melodygen_command("evaluate", *args), cwd=cwd,
                          env=child_env(MELODYGEN_CACHE=str(cwd / "cache")),
                          capture_output=True, text=True, timeout=600)


def test_ppm_on_the_german_childrens_songs_beside_pearces_figures(tmp_path):
    done = evaluate("essen/kinder", "--models", "ppm-c2i", "ppm-c*i", "ppm-ltm+", "ppm-both+",
                    "--out", "report", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("essen/kinder: 213 songs, 8,393 notes, 27 pitches; 10 folds (seed 0)")
    assert lines[1] == "task note: the pitch and then the length from everything before"
    assert lines[3].split() == ["model", "bits/pitch", "published", "bits/note", "pitch", "right",
                                "seconds"]
    rows = {line.split()[0]: line.split() for line in lines[4:8]}
    published = {"ppm-c2i": "2.613", "ppm-c*i": "2.428", "ppm-ltm+": "2.237", "ppm-both+": "2.106"}
    for name, figure in published.items():
        assert rows[name][2] == figure
        assert abs(float(rows[name][1]) - float(figure)) < 0.05, (name, rows[name])
    result = json.loads((tmp_path / "report" / "evaluation.json").read_text())
    assert (result["source"], result["folds"], result["songs"], result["notes"]) == \
        ("essen/kinder", 10, 213, 8393)
    for name in published:
        model = result["models"][name]
        assert len(model["fold_bits_pitch"]) == 10
        assert model["bits_pitch"] == pytest.approx(sum(model["fold_bits_pitch"]) / 10, abs=1e-3)
        assert model["bits_note"] > model["bits_pitch"] and 0 < model["accuracy_pitch"] < 1
    assert lines[9:11] == ["what each model sees:", "  ppm-c2i, ppm-c*i, ppm-ltm+, ppm-both+: "
                           "the pitches before, the lengths before"]
    page = (tmp_path / "report" / "report.html").read_text()
    assert "Best: ppm-both+" in page and "2.613 (LTM C2I)" in page


def test_the_chorales_pitch_given_rhythm_and_key_with_viewpoints_and_every_note(tmp_path):
    """Pearce's dataset 2 in the task of IDyOM's viewpoint systems: his figures beside them, the
    pitch-only PPM saying it sees less, and every note's surprise averaging to the table."""
    done = evaluate("chorales", "--task", "pitch-rhythm-key", "--models", "ppm-both+",
                    "mvs-conklin-witten", "--per-note", "notes/all.csv", "--out", "report",
                    cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("chorales: 185 songs, 9,304 notes, 21 pitches; 10 folds (seed 0)")
    assert lines[1].startswith("task pitch-rhythm-key: the pitch from everything before it, its "
                               "own length and onset, and the key")
    assert lines[3].split() == ["model", "bits/pitch", "published", "pitch", "right", "seconds"]
    rows = {line.split()[0]: line.split() for line in lines[4:6]}
    assert rows["mvs-conklin-witten"][1:3] == ["2.011", "2.045"]
    assert rows["ppm-both+"][1:3] == ["2.310", "2.347"]
    assert "  ppm-both+: the pitches before" in lines
    assert "not like for like" not in done.stdout  # no network: the verdict compares none
    # against the best figure published for the chorales in this task, not BOTH+ of the pitch
    assert ("the best published figure for this task, IDyOM's table 9.8 (with phrases) in "
            "Pearce (2005), is 1.911: 0.100 bits more here.") in done.stdout
    result = json.loads((tmp_path / "report" / "evaluation.json").read_text())
    assert result["task"] == "pitch-rhythm-key"
    model = result["models"]["mvs-conklin-witten"]
    assert (model["task"], model["bits_note"]) == ("pitch-rhythm-key", None)
    assert "the key" in model["inputs"] and "the note's onset in the bar" in model["inputs"]
    with open(tmp_path / "notes" / "all.csv", newline="", encoding="utf-8") as file:
        table = list(csv.DictReader(file))
    assert len(table) == 2 * 9304
    assert list(table[0]) == ["dataset.id", "melody.id", "note.id", "onset", "cpitch", "dur",
                              "probability", "information.content", "entropy", "model", "task",
                              "fold"]
    for name, model in result["models"].items():
        folds = {}
        for row in table:
            if row["model"] == name:
                folds.setdefault(row["fold"], []).append(float(row["information.content"]))
        assert len(folds) == 10
        mean = sum(sum(bits) / len(bits) for bits in folds.values()) / 10
        assert mean == pytest.approx(model["bits_pitch"], abs=5e-5)
    assert done.stdout.splitlines()[-1] == ("files: report/evaluation.json, notes/all.csv, "
                                            "report/report.html")


def test_a_model_that_cannot_do_the_task_is_one_line(tmp_path):
    done = evaluate("essen/kinder", "--models", "mvs-selected", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("model 'mvs-selected' predicts the pitch only: evaluate it with "
                           "--task pitch-rhythm-key (or pitch, for a system of the pitch "
                           "alone)\n")
    done = evaluate("essen/kinder", "--task", "melody", cwd=tmp_path)
    assert done.returncode == 2 and "invalid choice: 'melody'" in done.stderr


def test_a_bad_model_name_is_one_line(tmp_path):
    done = evaluate("essen/kinder", "--models", "ppm-q2", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("unknown PPM model 'ppm-q2': write ppm-PART-EOF")
    done = evaluate("essen/kinder", "--models", "pretrained", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (2, "model 'pretrained' needs --pretrain SOURCE\n")


def test_an_output_that_cannot_be_written_fails_before_the_work(tmp_path):
    """--json into a folder that cannot be made: one line at once, not after the evaluation."""
    import time

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    started = time.monotonic()
    done = evaluate("essen/kinder", "--models", "lstm", "--json", str(blocker / "out.json"),
                    cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"{blocker}: is a file, not a folder; give a folder to write in\n"
    assert time.monotonic() - started < 20  # no collection read, no network trained


def test_the_results_come_before_the_files(tmp_path):
    done = evaluate("essen/kinder", "--models", "ppm-c2i", "--folds", "2", "--no-report",
                    "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[3].startswith("model") and lines[-1] == f"files: {tmp_path / 'r.json'}"
