"""Bad input on the command line: one line on stderr naming the file and the problem, exit
status 2, no traceback, no output folder; input that can be understood after a change (a chord,
a second part) gives a warning line and a result.

The corpus is in tests/bad_inputs/ (made by make_corpus.py there); the 100,000-note song and
paths that are folders are made here.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path

import pytest

from external import BAD_INPUTS, run_melodygen
from melodygen.notation import format_token, read_song
from melodygen.songs import load_song

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
    assert done.stderr == f"warning: {BAD_INPUTS / name}: {warning}\n"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["original"]["notes"] == notes
    assert (out / "original.mid").stat().st_size > 0


def huge_song(notes: int = HUGE) -> str:
    """나비야 over and over, ``notes`` notes in all, 16 tokens a line."""
    tokens = [format_token(note) for note in load_song("nabiya").notes]
    cycle = list(itertools.islice(itertools.cycle(tokens), notes))
    lines = [" ".join(cycle[i:i + 16]) for i in range(0, notes, 16)]
    return "title: huge\ntime: 2/4\ntempo: 100\n" + "\n".join(lines) + "\n"


def test_a_huge_song_parses_in_seconds(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text(huge_song())
    start = time.perf_counter()
    melody = read_song(path)
    seconds = time.perf_counter() - start
    nabiya = load_song("nabiya").notes
    assert len(melody) == HUGE
    assert melody.notes[:len(nabiya)] == nabiya and melody.notes[-1] == nabiya[(HUGE - 1) % len(nabiya)]
    assert seconds < 10, f"{HUGE} notes took {seconds:.1f} s to parse"
