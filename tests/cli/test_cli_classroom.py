"""``melodygen SONG --lang ko``, ``--per-note FILE.csv`` and ``--figures`` from the command line."""

from __future__ import annotations

import csv
import io
import subprocess

from external import child_env, melodygen_command, run_melodygen


def test_korean_summary_and_every_notes_surprise(tmp_path):
    done = run_melodygen("nabiya", "--lang", "ko", "--per-note", "surprise/nabiya.csv",
                         "--no-audio", "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "나비야: 54개의 음, 창 4, 모델마다 50번 예측; 상태가 없으면 최대 46개 정답"
    assert lines[2].split() == ["모델", "한", "단계", "정답", "곡", "전체", "정답", "첫", "오답",
                                "에포크", "학습", "초"]
    assert lines[3].split()[:5] == ["mlp", "46/50", "(92%)", "16/50", "8번째"]
    assert lines[-1] == "음마다의 놀람: surprise/nabiya.csv (100행)"
    rows = list(csv.DictReader(io.StringIO((tmp_path / "surprise" / "nabiya.csv").read_text())))
    assert [row["model"] for row in rows] == ["mlp"] * 50 + ["stateful2"] * 50
    assert [int(row["note.id"]) for row in rows[:3]] == [5, 6, 7]
    # the mlp is most surprised where the window cannot tell the places of the song apart
    mlp = sorted(rows[:50], key=lambda row: -float(row["information.content"]))
    assert {int(row["note.id"]) for row in mlp[:4]} <= {8, 19, 22, 32, 33, 39, 40, 41, 49}
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in page and "음마다의 놀람(surprise)" in page


def test_a_per_note_file_that_is_not_csv_is_one_line(tmp_path):
    done = run_melodygen("nabiya", "--per-note", "notes.txt", cwd=tmp_path)
    assert (done.returncode, done.stderr.strip()) == (
        2, "--per-note: notes.txt must end in .csv")


def test_figures_without_rsvg_convert_is_one_line_before_training(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    done = subprocess.run(melodygen_command("nabiya", "--figures"), cwd=tmp_path,
                          env=child_env(PATH=str(empty)), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith(
        "--figures needs rsvg-convert to write PNG (Debian and Ubuntu: ")
    assert "loading TensorFlow" not in done.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.mid"))
