"""Faults around the collection commands (`train SOURCE`, `generate` of its model, `corpus`,
`evaluate`), each as a user meets it: the process killed (kill -9) or stopped (Ctrl-C) while it
trains and started again with --resume, a full disk and a full temporary folder (a tmpfs mounted
for the test), a cache that cannot be written, damaged model and cache files, two trainings
saving at once. Each ends in one line and exit status 2, or goes on as if nothing happened: no
traceback, no half-written file.

A full disk needs a tmpfs: the tests mount one (root, as in CI) and say why they are skipped
where they cannot (a fail in CI, where every test must run).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from external import REQUIRED, child_env, melodygen_command

TUNES = ["X:{n}\nT:tune {n}\nM:3/4\nL:1/8\nK:G\nG2 B2 d2 | g4 f2 | e2 d2 B2 | {end} |\n",
         "X:{n}\nT:tune {n}\nM:3/4\nL:1/8\nK:G\nd2 B2 G2 | A4 B2 | c2 B2 A2 | {end} |\n"]
ENDS = ["G6", "B6", "d6", "g6", "D6", "A6"]
TRAIN = ["--units", "16", "--validation", "0.25"]


def book(folder: Path) -> Path:
    """An ABC tunebook of 12 tunes (two tunes, six endings)."""
    texts = [TUNES[i % 2].format(n=i + 1, end=ENDS[i // 2]) for i in range(12)]
    path = folder / "book.abc"
    path.write_text("\n".join(texts))
    return path


def melodygen(*args, cwd: Path, timeout: float = 600, **env) -> subprocess.CompletedProcess:
    environment = child_env(MELODYGEN_CACHE=str(cwd / "cache"), **env)
    return subprocess.run(melodygen_command(*args), cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def one_line(done: subprocess.CompletedProcess) -> str:
    """The error of a run that failed as it should: exit status 2, one line, no traceback."""
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.endswith(" …")]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A small model of the tunebook, trained once: (folder, model file)."""
    folder = tmp_path_factory.mktemp("faults")
    book(folder)
    done = melodygen("train", "book.abc", "--save", "book.melodygen", "--epochs", "2", *TRAIN,
                     cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder, folder / "book.melodygen"


def started(args: list[str], folder: Path) -> subprocess.Popen:
    return subprocess.Popen(melodygen_command(*args), cwd=folder,
                            env=child_env(MELODYGEN_CACHE=str(folder / "cache")),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)


def wait_for(path: Path, process: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.005)


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT])
def test_a_stopped_training_resumes_to_the_same_model(tmp_path, stop):
    """kill -9 or Ctrl-C after an epoch, then --resume: the same history as a training that
    never stopped (the state is written whole or not at all). Up to 30 epochs (early stopping
    ends it sooner): the stop lands while it trains, however quick an epoch is."""
    book(tmp_path)
    args = ["train", "book.abc", "--save", "again.melodygen", "--epochs", "30", *TRAIN]
    straight = tmp_path / "straight" / "straight.melodygen"
    done = melodygen("train", "book.abc", "--save", str(straight), "--epochs", "30", *TRAIN,
                     cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    child = started(args, tmp_path)
    partial = tmp_path / "again.melodygen.partial"
    wait_for(partial, child)
    child.send_signal(stop)
    _, err = child.communicate(timeout=120)
    assert child.returncode == (-9 if stop == signal.SIGKILL else 130) and "Traceback" not in err
    assert partial.exists() and not (tmp_path / "again.melodygen").exists()
    done = melodygen(*args, "--resume", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not partial.exists()
    history = json.loads(zipfile.ZipFile(tmp_path / "again.melodygen").read("melodygen.json"))
    expected = json.loads(zipfile.ZipFile(straight).read("melodygen.json"))
    assert history["history"]["validation_bits"] == expected["history"]["validation_bits"]


def test_resume_refuses_a_state_of_another_collection(trained, tmp_path):
    folder, _ = trained
    book(tmp_path)
    args = ["train", "book.abc", "--save", "m.melodygen", "--epochs", "3", *TRAIN]
    child = started(args, tmp_path)
    wait_for(tmp_path / "m.melodygen.partial", child)
    child.kill()
    child.communicate(timeout=60)
    other = tmp_path / "other"
    other.mkdir()
    (other / "book.abc").write_text((tmp_path / "book.abc").read_text().replace("G6", "A6"))
    line = one_line(melodygen("train", "other/book.abc", "--save", "m.melodygen", "--epochs", "3",
                              *TRAIN, "--resume", cwd=tmp_path))
    assert line == "m.melodygen.partial: the training state here was made with other data " \
                   "(another collection, or other tunes of it); train without --resume to start " \
                   "again"
    line = one_line(melodygen(*args, "--units", "8", "--resume", cwd=tmp_path))
    assert line.endswith("made with other model settings (units); train without --resume to "
                         "start again")


def tmpfs(folder: Path, size: str = "64k", fill: bool = True) -> Path:
    """A tmpfs mounted at ``folder``, full unless not ``fill`` (unmounted by ``unmount``);
    skipped where it cannot be mounted (a fail in CI)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        if REQUIRED:
            pytest.fail(f"cannot mount a tmpfs ({done.stderr.strip()}): CI runs as root")
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()})")
    if fill:
        with open(folder / "fill", "wb") as filler:  # the whole of it
            try:
                filler.write(b"\0" * 1024 * 1024)
            except OSError:
                pass
    return folder


def unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture
def full(tmp_path):
    folder = tmpfs(tmp_path / "full")
    yield folder
    unmount(folder)


def test_a_full_disk_at_save_is_one_line_that_says_why(trained, full, tmp_path):
    """The training state cannot be kept: a warning, the training goes on; then the model
    cannot be saved: one line that says why, nothing half-written."""
    folder, _ = trained
    book(tmp_path)
    done = melodygen("train", "book.abc", "--save", str(full / "m.melodygen"), "--epochs", "1",
                     *TRAIN, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.endswith(" …")]
    assert lines[0] == (f"warning: {full / 'm.melodygen.partial'}: cannot write: No space left "
                        "on device: the training goes on without keeping its state, and cannot "
                        "be resumed if it stops")
    assert len(lines) == 2 and lines[1].startswith(str(full))
    assert "No space left on device" in lines[1]
    assert sorted(path.name for path in full.iterdir()) == ["fill"]  # nothing half-written


def test_a_state_too_big_for_the_folder_leaves_the_model_saved(trained, tmp_path):
    """The training state holds the weights thrice and the optimizer's moments (206 KB here),
    the model file 50 KB: in a folder of 128 KB the training goes on without its state and
    the model is saved."""
    folder = tmpfs(tmp_path / "small", "128k", fill=False)
    try:
        book(tmp_path)
        done = melodygen("train", "book.abc", "--save", str(folder / "m.melodygen"), "--epochs",
                         "2", *TRAIN, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stderr.count("cannot be resumed if it stops") == 1  # said once
        assert sorted(path.name for path in folder.iterdir()) == ["m.melodygen"]
        generated = melodygen("generate", str(folder / "m.melodygen"), "--bars", "4", "--seed",
                              "1", "--out", "tunes", "--no-audio", cwd=tmp_path)
        assert generated.returncode == 0, generated.stderr
    finally:
        unmount(folder)


def test_a_full_temporary_folder_changes_nothing(trained, full, tmp_path):
    """TMPDIR on a full disk: training, generating, reading and evaluating do not need it."""
    folder, model = trained
    book(tmp_path)
    runs = [("train", "book.abc", "--save", "m.melodygen", "--epochs", "1", *TRAIN),
            ("generate", str(model), "--bars", "4", "--seed", "1", "--out", "gen", "--no-audio"),
            ("corpus", "book.abc", "--no-cache"),
            ("evaluate", "book.abc", "--folds", "2", "--models", "ppm-c2i", "--no-report")]
    for args in runs:
        done = melodygen(*args, cwd=tmp_path, TMPDIR=str(full))
        assert done.returncode == 0 and "Traceback" not in done.stderr, (args, done.stderr)
    assert sorted(path.name for path in full.iterdir()) == ["fill"]  # nothing left behind


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path):
    book(tmp_path)
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("x")
    environment = child_env(MELODYGEN_CACHE=str(blocker))
    done = subprocess.run(melodygen_command("corpus", "book.abc"), cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.startswith("book.abc: 12 tunes")


def test_a_damaged_cache_entry_is_read_again(tmp_path):
    book(tmp_path)
    first = melodygen("corpus", "book.abc", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    for entry in (tmp_path / "cache").rglob("*.npz"):
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF
        entry.write_bytes(bytes(data))
    again = melodygen("corpus", "book.abc", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout.splitlines()[0].split(", read in")[0] == \
        first.stdout.splitlines()[0].split(", read in")[0]


def rewrite(source: Path, target: Path, **members) -> Path:
    """A copy of a model file with some members replaced."""
    with zipfile.ZipFile(source) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    contents.update(members)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return target


def test_damaged_model_files_are_one_line(trained, nabiya_model_file, tmp_path):
    folder, model = trained
    with zipfile.ZipFile(model) as archive:
        description = json.loads(archive.read("melodygen.json"))
    with zipfile.ZipFile(nabiya_model_file) as archive:
        song_network = archive.read("model.keras")
    no_kind = {key: value for key, value in description.items() if key != "kind"}
    bad_vocabulary = {**description, "vocabulary": {"durations": ["x"], "positions": [],
                                                    "meters": []}}
    cases = [
        (rewrite(model, tmp_path / "a.melodygen", **{"model.keras": song_network}),
         "corrupted model file: the Keras model takes (4, 2) and predicts notes 14; "
         "melodygen.json describes (None, 8) and pitch 73, duration"),
        (rewrite(model, tmp_path / "b.melodygen", **{"melodygen.json": json.dumps(no_kind)}),
         "corrupted model file: melodygen.json names no kind of model (song or collection), it "
         "says None"),
        (rewrite(model, tmp_path / "c.melodygen", **{"reference.npz": b"garbage" * 10}),
         "corrupted model file: reference.npz (the training tunes) cannot be read (ValueError)"),
        (rewrite(model, tmp_path / "d.melodygen",
                 **{"melodygen.json": json.dumps(bad_vocabulary)}),
         "corrupted model file: bad melodygen.json (Invalid literal for Fraction: 'x')"),
    ]
    for path, message in cases:
        line = one_line(melodygen("generate", str(path), "--out", "x", cwd=tmp_path))
        assert line.startswith(f"{path}: {message}"), line
        # the output folder is checked (made) before the network is read: nothing is in it
        assert not (tmp_path / "x").exists() or list((tmp_path / "x").iterdir()) == []


def test_two_trainings_saving_to_one_file_leave_a_whole_model(trained, tmp_path):
    """Two processes that save the same model file at once: the file is one of them, whole."""
    book(tmp_path)
    args = ["train", "book.abc", "--save", "same.melodygen", "--epochs", "1", *TRAIN, "--quiet"]
    children = [started(args, tmp_path) for _ in range(2)]
    for child in children:
        _, err = child.communicate(timeout=600)
        assert child.returncode in (0, 2) and "Traceback" not in err, err
    with zipfile.ZipFile(tmp_path / "same.melodygen") as archive:
        assert archive.testzip() is None and "melodygen.json" in archive.namelist()
    leftovers = [path.name for path in tmp_path.iterdir() if path.name.startswith(".same")]
    assert leftovers == []


@pytest.fixture(autouse=True)
def _no_leftover_mounts(tmp_path):
    yield
    for path in tmp_path.rglob("*"):
        if path.is_mount():
            unmount(path)
    shutil.rmtree(tmp_path, ignore_errors=True)
