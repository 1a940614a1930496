"""An interrupted or failing run leaves the previous outputs whole and no temporary file behind.

A folder first holds the outputs of a run on another song (chords.mid of the bad-input corpus),
so that every file a new run on 나비야 writes differs from the one it replaces. Then a run on
나비야 into that folder is stopped: by Ctrl-C (SIGINT) while it trains, by Ctrl-C while it writes
a file, by a full disk while it writes a file. Afterwards every file is either the old one, byte
for byte, or a complete new one that the run had finished before it stopped.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from external import BAD_INPUTS, child_env, melodygen_command, run_melodygen

from melodygen.formats.midi import read_midi
from melodygen.formats.songs import load_song

TIMEOUT = 180  # seconds for one run; none should come near it
STOP_AT = "mlp-one-step.mid"  # the file being written when a run is stopped half-way

# A melodygen whose os.fsync (called by files.write_atomic once a temporary file holds all its
# data, before the rename) announces each file on stderr, and for the file STOP_AT, either
# waits to be interrupted (MODE=wait) or fails as on a full disk (MODE=disk-full).
CHILD = """
import errno, os, sys, time
real_fsync = os.fsync

def fsync(fd):
    real_fsync(fd)
    temporary = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
    name = temporary[1:].rsplit(".", 2)[0]  # .NAME.RANDOM.tmp -> NAME
    print("writing", name, file=sys.stderr, flush=True)
    if name == os.environ["STOP_AT"]:
        if os.environ["MODE"] == "disk-full":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        time.sleep(120)

os.fsync = fsync
from melodygen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """A folder with the outputs of an earlier run (on another song)."""
    folder = tmp_path_factory.mktemp("previous")
    done = run_melodygen(BAD_INPUTS / "chords.mid", "--epochs", 1, "--out", folder, "--quiet",
                         cwd=folder, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert {"original.mid", STOP_AT, "summary.json"} <= set(snapshot(folder))
    return folder


@pytest.fixture
def folder(previous, tmp_path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(previous, copy)
    return copy


def start(command: list[str], cwd: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(list(map(str, command)), cwd=cwd, env=child_env(**env), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(process: subprocess.Popen, prefix: str) -> list[str]:
    """Read the child's stderr up to and including the first line that starts with ``prefix``."""
    lines = []
    for line in process.stderr:
        lines.append(line)
        if line.startswith(prefix):
            return lines
    process.wait(TIMEOUT)
    pytest.fail(f"the run ended (status {process.returncode}) before {prefix!r}:\n{''.join(lines)}")


def interrupt(process: subprocess.Popen) -> tuple[int, str, str]:
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    return process.returncode, stdout, stderr


def test_ctrl_c_while_training_leaves_previous_outputs(folder):
    before = snapshot(folder)
    process = start(melodygen_command("nabiya", "--model", "stateful2", "--epochs", 2000, "--seed", 2,
                                      "--learning-rate", "0.0001", "--out", folder), folder.parent)
    wait_for_line(process, "training stateful2")
    status, stdout, stderr = interrupt(process)
    assert (status, stdout, stderr) == (130, "", "melodygen: interrupted\n")
    assert snapshot(folder) == before


@pytest.mark.parametrize("mode", ["wait", "disk-full"])
def test_a_run_stopped_while_writing_leaves_whole_files(folder, mode):
    before = snapshot(folder)
    process = start([sys.executable, "-c", CHILD, "nabiya", "--epochs", 1, "--seed", 2, "--quiet",
                     "--out", folder], folder.parent, STOP_AT=STOP_AT, MODE=mode)
    if mode == "wait":
        lines = wait_for_line(process, f"writing {STOP_AT}")
        status, stdout, stderr = interrupt(process)
        assert (status, stdout, stderr) == (130, "", "melodygen: interrupted\n")
    else:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
        lines = stderr.splitlines(keepends=True)
        assert (process.returncode, stdout) == (2, "")
        assert lines[-1] == f"{folder / STOP_AT}: cannot write: {os.strerror(errno.ENOSPC)}\n"
        lines = lines[:-1]
    written = [line.split()[1] for line in lines if line.startswith("writing ")]  # not warnings
    assert written[-1] == STOP_AT and written[0] == "original.mid", written
    after = snapshot(folder)
    assert set(after) == set(before), "a temporary file was left, or a file lost"
    assert {name for name in after if after[name] != before[name]} == set(written[:-1])
    assert read_midi(folder / "original.mid").notes == load_song("nabiya").notes  # new and whole
