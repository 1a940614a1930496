"""Two runs with the same seed write the same bytes: every MIDI, MusicXML, score, sound and plot,
and the same summary but for the training times (and the report, which shows them)."""

from __future__ import annotations

import json
import re

import pytest
from external import run_melodygen

from melodygen.learning.song.config import MODELS

ARGS = ("nabiya", "--model", "all", "--epochs", 30, "--seed", 7, "--quiet")
TIMED = ("summary.json", "report.html")  # the files that show training times


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same run twice, in two folders: [{file name: bytes}, {file name: bytes}]."""
    folders = []
    for name in ("first", "second"):
        folder = tmp_path_factory.mktemp(name)
        done = run_melodygen(*ARGS, "--out", folder / "out", cwd=folder, timeout=300)
        assert done.returncode == 0, done.stderr
        folders.append({path.name: path.read_bytes() for path in sorted((folder / "out").iterdir())})
    return folders


def without_times(summary: dict) -> dict:
    for model in summary["models"].values():
        model.pop("training_seconds")
        model.pop("training_timeline")
    return summary


def test_same_seed_same_files(runs):
    first, second = runs
    assert set(first) == set(second)
    assert {"original.mid", "original.musicxml", "stateful2-full-song.mid",
            "stateful2-full-song.musicxml", "summary.json"} <= set(first)
    differ = sorted(name for name in first if first[name] != second[name] and name not in TIMED)
    assert differ == []


def test_same_seed_same_summary_but_times(runs):
    first, second = (json.loads(files["summary.json"]) for files in runs)
    assert [len(model["history"]["loss"]) for model in first["models"].values()] == \
        [30] * len(MODELS)
    assert without_times(first) == without_times(second)


def test_same_seed_same_report_but_times(runs):
    first, second = runs
    if "report.html" not in first:
        pytest.skip("this run writes no report.html")

    def masked(html: bytes) -> str:
        """The page with its training times (table cells "0.73", "epochs in 0.73 s") masked."""
        text, cells = re.subn(r"<td>\d+\.\d\d</td>", "<td>SECONDS</td>", html.decode())
        text, phrases = re.subn(r"epochs in \d+\.\d\d s", "epochs in SECONDS s", text)
        assert (cells, phrases) == (len(MODELS), len(MODELS)), \
            "the report shows training times elsewhere now"
        return text

    assert masked(first["report.html"]) == masked(second["report.html"])
