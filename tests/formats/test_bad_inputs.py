"""Bad input on the command line: one line on stderr naming the file and the problem, exit
status 2, no traceback, no output folder; input that can be understood after a change (a chord,
a second part) gives a warning line and a result.

The corpus is in tests/bad_inputs/ (made by make_corpus.py there); the 100,000-note song and
paths that are folders are made here (test_size.py times the reading of the long song).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import warnings
from pathlib import Path

import pytest
from external import BAD_INPUTS, long_song, run_melodygen

from melodygen.core.errors import MelodyWarning
from melodygen.core.note import notes_json
from melodygen.formats.songs import load_melody

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
    "unknown-header.txt": r"1:1: unknown header 'meter' \(known: title, time, tempo, key\)",
    "one-note.txt": r" melody has 1 note; a window of 4 needs at least 5",
    "zero-division.mid": r" not a valid MIDI file \(0 ticks per quarter note in its header\)",
    "smpte-bad-rate.mid": r" not a valid MIDI file \(SMPTE time of 20 frames per second and 40 "
                          r"ticks per frame in its header; SMPTE has 24, 25, 29 or 30 frames per "
                          r"second\)",
    "plain-text.abc": r" not an ABC tune: no K: line \(an ABC tune starts with X:, and K:, the "
                      r"key, ends its header\)",
    "sound.wav": r" a WAV audio file, not a song; melodygen reads song files \(\.txt\), MIDI "
                 r"\(\.mid, \.midi, \.kar\) and scores \(\.musicxml, \.xml, \.mxl, \.abc, \.krn\)",
    "bad-tempo.txt": r"1:1: bad tempo 'fast' .*",
}
# file -> (the warning after "warning: FILE: ", the notes melodygen reads as [pitch, length])
WARNINGS = {
    "chords.mid": ("several notes sound at once; kept the highest voice (skyline), 6 of 16 notes; "
                   "dropped 10 lower notes starting with a higher one; to learn another voice, give "
                   "it in a file of its own",
                   [[67, "1"], [69, "1"], [72, "1"], [69, "1"], [67, "1"], [72, "2"]]),
    "two-parts.musicxml": ("2 parts; reading the first one, 6 of 12 notes of the score",
                           [[72, "1"], [71, "1"], [69, "1"], [67, "1"], [65, "1"], [64, "1"]]),
}
# Files read in the library (no training): file -> (its warnings after "FILE: ", what is read;
# "count" is the number of notes that sound).
# The real-world files are made by make_real_world.py.
NABIYA_LINE_NOTES = [[67, "1/2"], [64, "1/2"], [64, "1"], [65, "1/2"], [62, "1/2"], [62, "1"],
                     [60, "1/2"], [62, "1/2"], [64, "1/2"], [65, "1/2"], [67, "1/2"], [67, "1/2"],
                     [67, "1"]]
SKYLINE = "several notes sound at once; kept the highest voice (skyline), "
READS = {
    "latin1-names.mid": ([], {"title": "Caf\u00e9 M\u00fcller", "tempo": 100.0,
                              "notes": NABIYA_LINE_NOTES}),
    "shift-jis-names.mid": ([], {"title": "\u3055\u304f\u3089\u3055\u304f\u3089",
                                 "notes": NABIYA_LINE_NOTES}),
    "gbk-names.mid": ([], {"title": "\u8309\u8389\u82b1", "notes": NABIYA_LINE_NOTES}),
    "smpte.mid": (["SMPTE time (25 frames per second, 40 ticks per frame) read in quarter notes "
                   "at 100 bpm",
                   "played timing (only 6 of 13 onsets on the grid of note values and triplets): "
                   "13 of 13 notes moved to the 16th-note grid (legato: 12 small gaps closed); "
                   "--quantize GRID sets another grid"],
                  {"title": "smpte", "tempo": 100.0, "notes": NABIYA_LINE_NOTES}),
    "two-tempos.mid": ([], {"tempo": 144.0, "notes": NABIYA_LINE_NOTES}),
    "played.mid": (["played timing (only 2 of 13 onsets on the grid of note values and triplets): "
                    "13 of 13 notes moved to the 16th-note grid (legato: 8 small gaps closed, 4 "
                    "small overlaps trimmed); --quantize GRID sets another grid"],
                   {"tempo": 100.0, "notes": NABIYA_LINE_NOTES}),
    "pickup-signature.mid": ([], {"title": "pickup-signature", "time_signature": (3, 4),
                                  "pickup": "1", "count": 8}),
    "haenschen.krn": ([], {"title": "Haenschen klein", "time_signature": (4, 4), "key": "G major",
                           "notes": [[74, "1"], [71, "1"], [71, "2"], [72, "1"], [69, "1"],
                                     [69, "2"], [67, "1"], [69, "1"], [71, "1"], [72, "1"],
                                     [74, "1"], [74, "1"], [74, "2"]]}),
    "broken.abc": (["passed over 20 characters or words of no ABC meaning, the first '#' at line "
                    "7, column 11; 3 of 7 measures between the first and the last do not last a "
                    "measure of their time signature: the tune may be broken (read as far as it is "
                    "understood)"], {"count": 64}),
    "tunes.abc": (["3 tunes; reading the first, X:1 'First' (--tune N or tunes.abc:N reads the "
                   "tune of X:N)"], {"title": "First", "time_signature": (2, 4),
                                     "notes": NABIYA_LINE_NOTES}),
    "meter-change.musicxml": (["the time signature changes during the song; kept the first, 3/4"],
                              {"title": "meter-change", "time_signature": (3, 4), "count": 5}),
    "bwv66.6.mid": ([SKYLINE + "36 of 163 notes; dropped 112 lower notes starting with a higher "
                     "one and 15 lower notes starting under a higher held note; to learn another "
                     "voice, give it in a file of its own"],
                    {"title": "bwv66.6", "tempo": 96.0, "key": "F# minor", "count": 36}),
    "acacia.mid": (["14 of 262 notes have no length (grace notes, as music21 writes them to MIDI) "
                    "and were dropped; to keep them, give them a length in the file"], {"title": "acacia", "time_signature": (2, 4), "count": 248}),
    "acacia.musicxml": (["14 of 262 notes are grace notes (ornaments) and were dropped; to keep "
                         "them, write them as notes of a length"],
                        {"title": "Acacia -- Reel", "pickup": "1/2", "count": 248}),
}
HUGE = 100_000  # notes
HUGE_SECONDS = 120  # how long a run on HUGE notes may take to train or to refuse


def test_the_corpus_is_all_here():
    on_disk = {path.name for path in BAD_INPUTS.iterdir() if path.suffix != ".py"}
    assert on_disk == set(ERRORS) | set(WARNINGS) | set(READS)


@pytest.mark.parametrize("name", sorted(READS))
def test_file_from_the_wild_is_read_with_one_line_per_change(name):
    """Every change a reader makes is one warning line naming the file; what is read is exact."""
    warned, expected = READS[name]
    path = BAD_INPUTS / name
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        melody = load_melody(path)
    messages = [str(w.message) for w in caught if issubclass(w.category, MelodyWarning)]
    assert messages == [f"{path}: {message}" for message in warned]
    assert all("\n" not in message for message in messages)
    found = {"title": melody.title, "tempo": melody.tempo, "time_signature": melody.time_signature,
             "pickup": str(melody.pickup), "key": str(melody.key),
             "count": sum(not note.is_rest for note in melody.notes),
             "notes": notes_json(melody.notes)}
    assert {key: found[key] for key in expected} == expected


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


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("command, name, options", [
    ((), "pipe.mid", ("--out", "out")), ((), "pipe.abc", ("--out", "out")),
    ((), "pipe.musicxml", ("--out", "out")), ((), "pipe.txt", ("--out", "out")),
    ((), "pipe", ("--out", "out")), (("train",), "pipe.abc", ("--save", "out/pipe.melodygen")),
    (("corpus",), "pipe.abc", ()),
    (("evaluate",), "pipe.abc", ("--out", "results")),  # its folder is made before it reads
    (("generate",), "model.melodygen", ("--out", "out"))])
def test_a_named_pipe_gives_one_line_and_exit_2(tmp_path, command, name, options):
    """A song, a tunebook or a model file that is a named pipe (FIFO) is refused before it is
    opened: nobody writes to it, and reading it would wait forever."""
    pipe = tmp_path / name
    os.mkfifo(pipe)
    try:
        done = run_melodygen(*command, pipe, *options, cwd=tmp_path, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"melodygen {' '.join(command)} {name} waited on the pipe for 60 s")
    assert_one_line_error(done, pipe, r" is a named pipe \(FIFO\), not a file; melodygen reads "
                          r"regular files only", tmp_path / "out")


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_understood_file_gives_a_warning_and_a_result(tmp_path, name):
    warning, notes = WARNINGS[name]
    out = tmp_path / "out"
    done = run_melodygen(BAD_INPUTS / name, "--epochs", 1, "--out", out, "--quiet",
                         cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    reader, *training = done.stderr.splitlines()  # and a warning of each model one epoch left
    assert reader == f"warning: {BAD_INPUTS / name}: {warning}"  # short of its target
    assert {line.split(" stopped at the epoch cap")[0] for line in training} <= \
        {"warning: mlp", "warning: stateful2"}
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
