"""How the song commands read a song file: --quantize, --tune and FILE.abc:N, in the main
command and in train, each change a reader makes one warning line. The runs stop before
training: an output folder that cannot be written is refused after the song is read."""

from __future__ import annotations

import contextlib
import io

import pytest
from external import BAD_INPUTS

from melodygen.cli import main

UNWRITABLE = "/proc/melodygen-cannot-write-here"


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit:
            code = exit.code
    return code, out.getvalue(), err.getvalue()


def read_by(command: str, *args: str) -> tuple[int, list[str]]:
    """Run a song command that reads its song and stops at the folder: (status, stderr lines)."""
    where = ["--save", f"{UNWRITABLE}/x.melodygen"] if command == "train" else ["--out", UNWRITABLE]
    code, out, err = run_cli(*([command] if command == "train" else []), *args, *where)
    assert out == ""
    return code, err.splitlines()


@pytest.mark.parametrize("command", ["main", "train"])
def test_tune_of_a_multi_tune_abc_file(command):
    tunes = str(BAD_INPUTS / "tunes.abc")
    code, lines = read_by(command, tunes)
    assert code == 2
    if command == "main":
        assert lines[0] == (f"warning: {tunes}: 3 tunes; reading the first, X:1 'First' (--tune "
                            "N or tunes.abc:N reads the tune of X:N)")
        assert lines[1].startswith(f"{UNWRITABLE}: cannot write output folder")
    else:  # train takes a tunebook for a collection (all its tunes); --tune N for one of them
        assert len(lines) == 1 and lines[0].startswith(f"{UNWRITABLE}: cannot write output folder")
    for spec, option in ((f"{tunes}:2", []), (tunes, ["--tune", "2"])):
        code, lines = read_by(command, spec, *option)
        assert (code, lines[0]) == (2, f"warning: {tunes}: 3 of 12 notes are grace notes "
                                       "(ornaments) and were dropped; to keep them, write them "
                                       "as notes of a length")
        assert len(lines) == 2


@pytest.mark.parametrize("args, message", [
    (["tunes.abc", "--tune", "9"], "{dir}/tunes.abc: no tune X:9 in the file (its tunes: X:1, 2, 3)"),
    (["tunes.abc:9"], "{dir}/tunes.abc: no tune X:9 in the file (its tunes: X:1, 2, 3)"),
    (["two-tempos.mid", "--tune", "2"],
     "{dir}/two-tempos.mid: a tune number is for ABC files (.abc) with several tunes"),
    (["two-tempos.mid", "--quantize", "7"],
     "unknown quantize grid '7': give auto, a note value 4, 8, 16, 32 or 64, or a triplet 4t, "
     "8t, 16t, 32t"),
])
@pytest.mark.parametrize("command", ["main", "train"])
def test_bad_reading_options_are_one_line(command, args, message):
    code, lines = read_by(command, str(BAD_INPUTS / args[0]), *args[1:])
    assert (code, lines) == (2, [message.format(dir=BAD_INPUTS)])


@pytest.mark.parametrize("command", ["main", "train"])
def test_quantize_option(command):
    smpte = str(BAD_INPUTS / "smpte.mid")
    code, lines = read_by(command, smpte, "--quantize", "8")
    assert code == 2
    assert lines[:2] == [
        f"warning: {smpte}: SMPTE time (25 frames per second, 40 ticks per frame) read in quarter "
        "notes at 100 bpm",
        f"warning: {smpte}: 13 of 13 notes moved to the eighth-note grid (--quantize) (legato: "
        "12 small gaps closed)"]
