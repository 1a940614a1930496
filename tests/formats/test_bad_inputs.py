"""Bad input on the command line: one line on stderr naming the file and the problem, exit
status 2, no traceback, no output folder; input that can be understood after a change (a chord,
a second part) gives a warning line and a result.

The corpus is in tests/bad_inputs/ (made by make_corpus.py there); the 100,000-note song and
paths that are folders are made here (test_size.py times the reading of the long song).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from external import BAD_INPUTS, long_song, run_melodygen

# file -> what the one line says after "FILE:" (a regular expression, matched in full)
ERRORS = {
    "empty.txt": r" no notes in the song",
    "empty.mid": r" not a valid MIDI file \(.+\)",
    "empty.musicxml": r" cannot read score: .+",
    "junk.txt": r" not UTF-8 text \(byte 0\)",
    "junk.mid": r" not a valid MIDI file \(.+\)",
    "junk.musicxml": r" cannot read score: .+",
    "junk-with-header.mid": r" not a valid MIDI file \(.+\)",
    "truncated.mid": r" not a valid MIDI file \(.+\)",
    "bad-key-signature.mid": r" not a valid MIDI file \(Could not decode key with 9 sharps and mode 0\)",
    "truncated.musicxml": r" cannot read score: .+",
    "drums.mid": r" no melodic notes .*",
    "no-notes.mid": r" no melodic notes .*",
    "type2.mid": r" MIDI type 2 .* not supported",
    "unknown-token.txt": r"4:7: unknown note 'h8'",
    "bad-bar.txt": r"3:13: bar lasts 3 quarter notes, 2/4 needs 2",
    "short.txt": r" melody has 4 notes; a window of 4 needs at least 5",
    "only-comments.txt": r" no notes in the song",
    "latin1.txt": r" not UTF-8 text \(byte 10\)",
    "utf16.txt": r" not UTF-8 text \(byte 0\)",
    "nul.txt": r"1:4: unknown note 'e8\\x00'",
    "unknown-header.txt": r"1:1: unknown header 'key' .*",
    "bad-tempo.txt": r"1:1: bad tempo 'fast' .*",
}
# file -> (the warning after "warning: FILE: ", the notes melodygen reads as [pitch, length])
WARNINGS = {
    "chords.mid": ("several notes sound at once; kept the highest voice (skyline)",
                   [[67, "1"], [69, "1"], [72, "1"], [69, "1"], [67, "1"], [72, "2"]]),
    "two-parts.musicxml": ("2 parts; reading the first one",
                           [[72, "1"], [71, "1"], [69, "1"], [67, "1"], [65, "1"], [64, "1"]]),
}
HUGE = 100_000  # notes
HUGE_SECONDS = 120  # how long a run on HUGE notes may take to train or to refuse


def test_the_corpus_is_all_here():
    on_disk = {path.name for path in BAD_INPUTS.iterdir() if path.suffix != ".py"}
    assert on_disk == set(ERRORS) | set(WARNINGS)


def assert_one_line_error(done, path: Path, message: str, out: Path) -> None:
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert re.fullmatch(re.escape(str(path)) + ":" + message + "\n", done.stderr), done.stderr
    assert not out.exists(), "a failed run left an output folder"


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_file_gives_one_line_and_exit_2(tmp_path, name):
    out = tmp_path / "out"
    done = run_melodygen(BAD_INPUTS / name, "--epochs", 1, "--out", out, cwd=tmp_path, timeout=60)
    assert_one_line_error(done, BAD_INPUTS / name, ERRORS[name], out)


@pytest.mark.parametrize("name", ["folder", "folder.mid", "folder.musicxml", "folder.txt"])
def test_a_folder_gives_one_line_and_exit_2(tmp_path, name):
    (tmp_path / name).mkdir()
    out = tmp_path / "out"
    done = run_melodygen(tmp_path / name, "--epochs", 1, "--out", out, cwd=tmp_path, timeout=60)
    assert_one_line_error(done, tmp_path / name, r" is a folder, not a .+", out)


@pytest.mark.parametrize("name", ["missing.mid", "missing.musicxml", "missing.txt"])
def test_a_missing_file_gives_one_line_and_exit_2(tmp_path, name):
    out = tmp_path / "out"
    done = run_melodygen(tmp_path / name, "--epochs", 1, "--out", out, cwd=tmp_path, timeout=60)
    assert_one_line_error(done, tmp_path / name, r" (cannot read: )?[Nn]o such file.*", out)


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_understood_file_gives_a_warning_and_a_result(tmp_path, name):
    warning, notes = WARNINGS[name]
    out = tmp_path / "out"
    done = run_melodygen(BAD_INPUTS / name, "--epochs", 1, "--out", out, "--quiet",
                         cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    reader, *training = done.stderr.splitlines()  # and the one epoch's warnings of each model
    assert reader == f"warning: {BAD_INPUTS / name}: {warning}"
    assert [line.split(" stopped at the epoch cap")[0] for line in training] == \
        ["warning: mlp", "warning: stateful2"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["original"]["notes"] == notes
    assert (out / "original.mid").stat().st_size > 0


def test_a_huge_song_gives_a_result_or_one_line(tmp_path):
    """100,000 notes: the run may train or refuse, in bounded time, but not hang or crash."""
    song = tmp_path / "huge.txt"
    song.write_text(long_song(HUGE))
    out = tmp_path / "out"
    try:
        done = run_melodygen(song, "--epochs", 1, "--out", out, "--quiet", cwd=tmp_path,
                             timeout=HUGE_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{HUGE} notes, --epochs 1: no result and no error after {HUGE_SECONDS} s")
    assert "Traceback" not in done.stderr
    if done.returncode == 2:
        assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(f"{song}:"), done.stderr
    else:
        assert done.returncode == 0, done.stderr
        assert json.loads((out / "summary.json").read_text())["song"]["notes"] == HUGE
