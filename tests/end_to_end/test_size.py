"""Long songs: 100,000 notes read in seconds; 10,000 notes train and predict with every model
within bounded memory (a Transformer, which reads a song whole with attention, its longest song:
``MAX_ATTENDED_NOTES``), and a longer song is refused in one line before TensorFlow loads.
benchmarks/bench_size.py measures how time and memory grow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from external import child_env, long_song

from melodygen.formats.midi import midi_bytes, read_midi
from melodygen.formats.notation import read_song
from melodygen.formats.songs import load_song
from melodygen.learning.song.config import MAX_ATTENDED_NOTES, MODELS

HUGE = 100_000      # notes of the song that must read in seconds
LONG = 10_000       # notes of the melody every model must train on and predict
READ_SECONDS = 30   # measured, 100,000 notes: song file 0.8 s, MIDI 2.9 s (10 s on a loaded machine);
                    # a reader that grew with the square of the length would take minutes
MEMORY_MIB = 2048   # peak resident memory of one model's run on LONG notes; measured at most 1,073
RUN_SECONDS = 300   # a hang guard for one model's run on LONG notes; measured at most 40 s


@pytest.fixture(scope="module")
def huge_song(tmp_path_factory):
    path = tmp_path_factory.mktemp("huge") / "huge.txt"
    path.write_text(long_song(HUGE))
    return path


def timed(read, path):
    start = time.perf_counter()
    melody = read(path)
    return melody, time.perf_counter() - start


def test_a_100000_note_song_file_reads_in_seconds(huge_song):
    melody, seconds = timed(read_song, huge_song)
    nabiya = load_song("nabiya").notes
    assert len(melody) == HUGE
    assert melody.notes == tuple(nabiya[i % len(nabiya)] for i in range(HUGE))
    assert seconds < READ_SECONDS, f"{HUGE} notes took {seconds:.1f} s"


def test_a_100000_note_midi_file_reads_in_seconds(huge_song, tmp_path):
    melody = read_song(huge_song)
    path = tmp_path / "huge.mid"
    path.write_bytes(midi_bytes(melody))
    again, seconds = timed(read_midi, path)
    assert again.notes == melody.notes
    assert seconds < READ_SECONDS, f"{HUGE} notes took {seconds:.1f} s"


TRAIN_AND_PREDICT = """
import json, sys
from melodygen.learning.backend import configure_tensorflow, load_keras
configure_tensorflow()
from melodygen.learning.song.config import TrainConfig
from melodygen.formats.notation import read_song
from melodygen.learning.song.experiment import run_song
run = run_song(read_song(sys.argv[1]), [sys.argv[2]], TrainConfig(epochs=2))
model = run.models[0]
print(json.dumps({"epochs": model.training.epochs, "one_step": len(model.one_step),
                  "full_song": len(model.full_song), "samples": len(run.dataset)}))
"""


# Printed by a measured Python child as its last line on stderr: its own peak resident memory.
# (A child's ru_maxrss from wait4 also counts the pages it had as a fork of this process
# before exec, which in a pytest process that has trained models is larger than the child.)
REPORT_PEAK = ("\nimport sys\nprint('VmHWM', next(line.split()[1] for line in open('/proc/self/status') "
               "if line.startswith('VmHWM')), file=sys.stderr)\n")


def run_measured(command: list[str], timeout: float, folder) -> tuple[int, str, str, float]:
    """Run ``command`` (python -c CODE ...) -> (exit status, stdout, stderr, its peak resident
    memory in MiB, from the kernel's VmHWM of the child). Fails the test after ``timeout`` s."""
    code = command.index("-c") + 1
    command = command[:code] + [command[code] + REPORT_PEAK] + command[code + 1:]
    with open(folder / "stdout", "w+") as out, open(folder / "stderr", "w+") as err:
        child = subprocess.Popen(command, env=child_env(TF_CPP_MIN_LOG_LEVEL="3"), stdout=out,
                                 stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, _ = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
                os.wait4(child.pid, 0)
                child.returncode = -9
                pytest.fail(f"{' '.join(command[-2:])} ran over {timeout} s")
            time.sleep(0.2)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stderr = err.read()
        lines = stderr.splitlines()
        if child.returncode != 0 or not lines or not lines[-1].startswith("VmHWM "):
            return child.returncode, out.read(), stderr, float("nan")
        return child.returncode, out.read(), "\n".join(lines[:-1]), int(lines[-1].split()[1]) / 1024


@pytest.mark.slow
@pytest.mark.parametrize("model", list(MODELS))
def test_a_10000_note_melody_trains_and_predicts(tmp_path, model):
    """Two epochs, then both predictions, in a child process whose peak memory is measured; a
    Transformer on the longest song it takes."""
    notes = min(LONG, MODELS[model].longest_song)
    song = tmp_path / "long.txt"
    song.write_text(long_song(notes))
    status, stdout, stderr, memory = run_measured(
        [sys.executable, "-c", TRAIN_AND_PREDICT, str(song), model], RUN_SECONDS, tmp_path)
    assert status == 0, stderr
    samples = notes - 4
    assert json.loads(stdout) == {"epochs": 2, "one_step": samples, "full_song": samples,
                                  "samples": samples}
    assert memory < MEMORY_MIB, f"{model} on {notes} notes peaked at {memory:.0f} MiB"


def test_a_song_too_long_for_attention_is_one_line_before_tensorflow(tmp_path):
    song = tmp_path / "long.txt"
    song.write_text(long_song(MAX_ATTENDED_NOTES + 1))
    done = subprocess.run([sys.executable, "-m", "melodygen", str(song), "--model", "mlp",
                           "transformer4", "--out", str(tmp_path / "out")], env=child_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"{song}: melody has 2,001 notes; transformer4 reads a song whole with "
        "attention and trains on at most 2,000 (take a part of it, or choose mlp, lstm, "
        "stateful, stateful2)")
    assert "tensorflow" not in done.stderr.lower() and not (tmp_path / "out").exists()


@pytest.mark.slow
def test_memory_grows_at_most_linearly(tmp_path):
    """The stateful LSTM, which trains on the whole song as one sequence, grows the most: its
    memory above the floor (a process that only loads Keras) may grow 10 times for 10 times the
    notes, not more (measured: 91 MiB at 1,000 notes, 474 MiB at 10,000)."""
    _, _, _, floor = run_measured([sys.executable, "-c", "from melodygen.learning.backend import load_keras; "
                                   "load_keras()"], RUN_SECONDS, tmp_path)
    above = {}
    for notes in (LONG // 10, LONG):
        song = tmp_path / f"song{notes}.txt"
        song.write_text(long_song(notes))
        status, _, stderr, memory = run_measured(
            [sys.executable, "-c", TRAIN_AND_PREDICT, str(song), "stateful2"], RUN_SECONDS, tmp_path)
        assert status == 0, stderr
        above[notes] = memory - floor
    assert 0 < above[LONG // 10] < above[LONG] <= 10 * above[LONG // 10], above
