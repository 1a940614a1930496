"""`melodygen corpus`: the summary a person reads, --verbose, --json, one line for a bad source,
progress, and Ctrl-C leaving the cache whole."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from external import child_env, melodygen_command, run_melodygen

FILES = Path(__file__).resolve().parents[1] / "formats" / "collection_files"


@pytest.fixture
def env(tmp_path):
    return child_env(MELODYGEN_CACHE=str(tmp_path / "cache"))


def corpus(*args, cwd, env):
    return subprocess.run(melodygen_command("corpus", *args), cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_summary(tmp_path, env):
    done = corpus(str(FILES), "--json", "summary.json", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{FILES}: 3 tunes, 14 notes, 10 pitches (C4-D5), read in ")
    assert lines[1:] == ["meters: 3/4 2, 2/4 1", "keys: G 1, F 1",
                         "duplicates merged: 1 (the same notes as an earlier tune)",
                         "dropped: 2 tunes or files (--verbose lists them)",
                         "       1  music21 cannot read the tune: float division by zero",
                         "       1  unknown note"]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert {key: summary[key] for key in ("tunes", "notes", "pitches", "dropped", "duplicates")} \
        == {"tunes": 3, "notes": 14, "pitches": 10, "dropped": 2, "duplicates": 1}
    assert summary["dropped_tunes"][1] == {"where": "sub/bad.txt", "reason": "unknown note",
                                           "detail": "2:4: unknown note 'h4'"}


def test_verbose_lists_each_dropped_tune_with_its_place(tmp_path, env):
    done = corpus(str(FILES), "--verbose", cwd=tmp_path, env=env)
    assert done.stdout.splitlines()[-2:] == [
        "  book.abc:2: music21 cannot read the tune: float division by zero (melodygen: note "
        "length in 'c9/0')",
        "  sub/bad.txt:2:4: unknown note 'h4'"]


def test_essen_kinder_counts(tmp_path, env):
    done = corpus("essen/kinder", "--json", "kinder.json", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("essen/kinder: 213 tunes, 8,393 notes, 27 pitches (E3-G5)")
    summary = json.loads((tmp_path / "kinder.json").read_text())
    assert (summary["tunes"], summary["notes"], summary["pitches"]) == (213, 8393, 27)


@pytest.mark.parametrize("source, message", [
    ("nowhere", "nowhere: no such file, folder or collection (named collections: essen, "
                "essen/kinder, essen/NAME, ryansMammoth, oneills1850, airdsAirs, miscFolk, "
                "chorales)"),
    ("essen/nope", "essen/nope: no Essen file 'nope'; known: kinder, "),
])
def test_a_bad_source_is_one_line_and_exit_2(tmp_path, env, source, message):
    done = corpus(source, cwd=tmp_path, env=env)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(message) and done.stderr.count("\n") == 1


def test_a_folder_without_melodies(tmp_path, env):
    (tmp_path / "empty").mkdir()
    done = corpus(str(tmp_path / "empty"), cwd=tmp_path, env=env)
    assert (done.returncode, done.stderr) == (2, f"{tmp_path / 'empty'}: no melody files (.abc, "
                                                 ".mid, .midi, .musicxml, .xml, .mxl, .krn, .txt)\n")


def test_progress_says_what_it_reads_at_once(tmp_path, env):
    done = corpus("essen", "--no-cache", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == "reading essen …"  # not a terminal: a line a stage
    assert done.stdout.startswith("essen: 8,396 tunes, ")


def test_progress_counts_tunes_with_the_rate_and_the_time_left():
    import io

    from melodygen.cli.progress import Progress

    now = [0.0]
    stream = io.StringIO()
    progress = Progress(stream=stream, tty=True, clock=lambda: now[0])
    progress.stage("reading essen")
    now[0] = 2.0
    progress.count(2000, 8000, "tunes")
    progress.done()
    assert "reading essen: 2,000/8,000 tunes (25%), 1,000 tunes/s, 6 s left" in stream.getvalue()


def test_ctrl_c_leaves_no_half_written_cache_entry(tmp_path, env):
    child = subprocess.Popen(melodygen_command("corpus", "essen", "--quiet"), cwd=tmp_path,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cache = tmp_path / "cache"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (cache.exists() and any(cache.glob("*.npz"))):
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130 and "Traceback" not in err, err
    assert err.strip().splitlines()[-1] == "melodygen: interrupted"
    assert not [name for name in os.listdir(cache) if not name.endswith(".npz")]
    again = corpus("essen", "--quiet", cwd=tmp_path, env=env)  # what was kept is whole
    assert again.returncode == 0 and again.stdout.startswith("essen: 8,396 tunes, ")


def test_corpus_is_a_command_and_a_song_of_that_name_is_read_as_a_path(tmp_path):
    done = run_melodygen("--help", cwd=tmp_path)
    assert "melodygen corpus SOURCE (read a collection of tunes and summarize it)" in \
        " ".join(done.stdout.split())
