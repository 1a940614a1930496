"""Progress on stderr: a message at once before TensorFlow loads, a line a stage off a terminal,
one updating line with the time left on a terminal, nothing with --quiet but the warnings."""

import io
import os
import pty
import re
import select
import subprocess
import sys
import time

import pytest
from external import child_env

from melodygen.cli import main
from melodygen.learning.interface import EpochReport
from melodygen.cli.progress import LOG_SECONDS, Progress, duration


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_durations():
    assert [duration(s) for s in (0, 7.4, 59.6, 65, 3723)] == ["0 s", "7 s", "1:00", "1:05", "1:02:03"]


def test_off_a_terminal_a_line_a_stage_and_sparse_training_lines():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream=stream, tty=False, clock=clock)
    progress.stage("loading TensorFlow")
    progress.stage("training mlp (1/2)")
    for epoch in range(1, 101):  # 100 epochs, a second each: a line every LOG_SECONDS
        clock.now += 1
        progress.epoch(EpochReport("mlp", epoch, 2000, 1 / epoch, accuracy=epoch / 100))
    progress.step(1, 7, "original")  # steps only on a terminal
    progress.warn("mlp stopped at the epoch cap")
    progress.done()
    lines = stream.getvalue().splitlines()
    assert lines[:2] == ["loading TensorFlow …", "training mlp (1/2) …"]
    training = lines[2:-1]
    assert len(training) == 100 // LOG_SECONDS
    assert training[0] == "training mlp (1/2): epoch 10/2000, loss 0.1000, 10% right, ≤ 33:10 left"
    assert lines[-1] == "warning: mlp stopped at the epoch cap"


@pytest.mark.parametrize("tty", [False, True])
def test_a_stage_that_is_quick_is_not_shown_when_a_delay_is_asked(tty):
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream=stream, tty=tty, clock=clock)
    progress.stage("reading nabiya", delay=1.0)  # done within its delay: nothing shown
    progress.done()
    assert stream.getvalue() == ""


def test_a_delayed_stage_shows_on_a_terminal_once_it_lasts():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream=stream, tty=True, clock=clock)
    progress.stage("reading long.musicxml", delay=1.0)
    clock.now += 1.5
    deadline = time.monotonic() + 5
    while "reading" not in stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)  # the ticker draws it within half a second
    progress.done()
    assert stream.getvalue().startswith("\rreading long.musicxml … (2 s)")


def test_on_a_terminal_one_line_rewritten_with_the_time_left():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream=stream, tty=True, clock=clock)
    progress.stage("training stateful2 (2/2)")
    for epoch in (1, 50, 100):
        clock.now += 2
        # the lecture recipe: exactly 200 epochs
        progress.epoch(EpochReport("stateful2", epoch, 200, 0.5, accuracy=0.5, bound=False))
    progress.warn("careful")
    progress.done()
    text = stream.getvalue()
    assert "\n" not in text.replace("warning: careful\n", "")  # one line, rewritten with \r
    frames = [frame.strip() for frame in text.replace("warning: careful\n", "").split("\r") if frame.strip()]
    assert frames[0] == "training stateful2 (2/2) … (0 s)"
    assert frames[1] == "training stateful2 (2/2): epoch 1/200, loss 0.5000, 50% right (2 s)"
    assert frames[3] == "training stateful2 (2/2): epoch 100/200, loss 0.5000, 50% right, 4 s left"
    assert text.endswith("\r" + " " * len(frames[-1]) + "\r")  # cleared for the results


def test_a_collection_models_epochs_say_their_held_out_bits():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream=stream, tty=False, clock=clock)
    progress.stage("training on book.abc")
    clock.now += 20
    progress.epoch(EpochReport("lstm", 1, 100, 3.21, validation=3.456, seconds=20.0))
    progress.done()
    assert stream.getvalue().splitlines()[1] == "training on book.abc: epoch 1/100, loss 3.210 " \
                                                 "bits per note, validation 3.456, 20 s an epoch"


def test_quiet_keeps_the_warnings_only():
    stream = io.StringIO()
    progress = Progress(quiet=True, stream=stream, tty=True)
    progress.stage("loading TensorFlow")
    progress.epoch(EpochReport("mlp", 1, 10, 1.0, accuracy=0.1))
    progress.warn("mlp stopped at the epoch cap")
    progress.done()
    assert stream.getvalue() == "warning: mlp stopped at the epoch cap\n"


def test_the_first_message_comes_before_tensorflow_loads(monkeypatch, tmp_path, capsys):
    from melodygen.learning import backend

    seen = []
    real = backend.configure_tensorflow

    def configure(*args, **kwargs):
        seen.append(capsys.readouterr().err)  # what the user has seen when the loading begins
        return real(*args, **kwargs)

    monkeypatch.setattr(backend, "configure_tensorflow", configure)
    assert main(["nabiya", "--model", "mlp", "--epochs", "1", "--out", str(tmp_path),
                 "--no-audio", "--no-scores", "--no-report"]) == 0
    assert seen == ["loading TensorFlow …\n"]


def test_a_terminal_sees_every_wait(tmp_path):
    # The real entry point on a pseudo-terminal: the line names each stage at once and counts
    # the seconds of the long ones (TensorFlow loading while fd 2 is silenced), training shows
    # its epochs and the time left, and the line is gone before the results.
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "melodygen", "nabiya", "--model", "mlp",
                                "--no-audio", "--no-scores", "--out", str(tmp_path)],
                               stdout=subprocess.PIPE, stderr=follower, cwd=tmp_path,
                               env=child_env(COLUMNS="200"))
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out, _ = process.communicate(timeout=120)
    os.close(leader)
    assert process.returncode == 0
    frames = [frame.strip() for frame in seen.decode().split("\r") if frame.strip()]
    assert frames[0] == "loading TensorFlow … (0 s)"
    # the seconds counted while TensorFlow loads (which second the clock is drawn at depends on
    # when the import lets the ticker thread run)
    assert [frame for frame in frames if re.fullmatch(r"loading TensorFlow … \([1-9]\d* s\)", frame)]
    training = [frame for frame in frames if frame.startswith("training mlp: epoch ")]
    assert re.fullmatch(r"training mlp: epoch 1/2000, loss \d\.\d{4}, \d+% right \(\d+ s\)", training[0])
    assert [frame for frame in training if re.search(r", ≤ \d+ s left$", frame)]
    assert "predicting with mlp … (0 s)" in frames
    assert [frame for frame in frames if frame.startswith("writing the files in ")]
    assert "\n" not in seen.decode()  # a single line, rewritten; nothing left of it
    assert out.decode().startswith("나비야: 54 notes")


@pytest.mark.parametrize("args, message", [
    (["nabya"], "unknown song 'nabya' (did you mean 'nabiya'?); bundled songs: "),
    (["nabiya", "--model", "stateful3"],
     "unknown model 'stateful3' (did you mean 'stateful'?); known: mlp, lstm, stateful, "
     "stateful2, transformer, transformer4 or all"),
    (["train", "nabiya", "--model", "mlpp"],
     "unknown model 'mlpp' (did you mean 'mlp'?); known: mlp, lstm, stateful, stateful2"),
    (["--model", "mlp", "nabiya"],
     "--model took 'nabiya' for a model name, and no song is left: put the song first (melodygen "
     "nabiya --model mlp) or end the models with -- (melodygen --model mlp -- nabiya)"),
])
def test_names_close_to_a_known_one_and_a_swallowed_song(args, message, capsys, tmp_path,
                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(message) and captured.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # refused before anything is written


def test_models_ended_with_a_double_dash_leave_the_song(tmp_path, capsys):
    assert main(["--model", "mlp", "--epochs", "1", "--quiet", "--no-audio", "--no-scores",
                 "--no-report", "--out", str(tmp_path), "--", "nabiya"]) == 0
    assert "mlp" in capsys.readouterr().out


def test_version(capsys):
    import tomllib
    from pathlib import Path

    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    version = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]["version"]
    assert (exit.value.code, capsys.readouterr().out) == (0, f"melodygen {version}\n")
    import melodygen
    assert melodygen.__version__ == version


def test_the_epoch_cap_is_a_warning(tmp_path, capsys):
    # --epochs 10 ends the mlp at 34%: said at once, on stderr, and with --quiet too
    assert main(["nabiya", "--model", "mlp", "--epochs", "10", "--quiet", "--no-audio",
                 "--no-scores", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert re.fullmatch(r"warning: mlp stopped at the epoch cap \(10\) before reaching its target: "
                        r"\d+ of 50 next notes right in one step, target 46; train longer "
                        r"\(--epochs\)\n", captured.err)
    assert "Warning: mlp stopped at the epoch cap (10)" in (tmp_path / "report.html").read_text()
