"""`melodygen evaluate`: the table against the published figures, evaluation.json, report.html,
one line for a bad model name."""

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
    assert lines[2].split() == ["model", "bits/pitch", "published", "bits/note", "pitch", "right",
                                "seconds"]
    rows = {line.split()[0]: line.split() for line in lines[3:7]}
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
    page = (tmp_path / "report" / "report.html").read_text()
    assert "Best: ppm-both+" in page and "2.613 (LTM C2I)" in page


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
    assert lines[2].startswith("model") and lines[-1] == f"files: {tmp_path / 'r.json'}"
