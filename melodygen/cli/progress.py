"""What a command is doing while the user waits, on stderr.

On a terminal: one line, rewritten in place, that names the stage ("loading TensorFlow …") and
how long it has taken, redrawn every half second by a helper thread so that no wait is silent;
while a model trains, its epoch, loss, accuracy and the time left. Elsewhere (a pipe, a log
file): one line per stage and, while a model trains, a line at most every ``LOG_SECONDS``.
``quiet`` prints no progress; warnings are printed either way, on a line of their own.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
import unicodedata
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ..learning.interface import EpochReport

TICK_SECONDS = 0.5   # how often the terminal line is redrawn
LOG_SECONDS = 10.0   # at most one training line this often when stderr is not a terminal


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _fit(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` (with "…" where it was cut)."""
    if _width(text) <= columns:
        return text
    while text and _width(text) > columns - 1:
        text = text[:-1]
    return text + "…"


def duration(seconds: float) -> str:
    """Seconds as a short duration: '7 s', '1:05', '1:02:03'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Progress:
    """Progress of one command on ``stream`` (stderr). Call ``stage`` when a stage begins,
    ``epoch`` while a model trains, ``step`` for steps of a stage, ``warn`` for a warning and
    ``done`` at the end (before the results are printed)."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None, tty: bool | None = None,
                 clock=time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = self.stream.isatty() if tty is None else tty
        if self.tty and stream is None and not quiet:
            # a stream of its own on the terminal: TensorFlow's start-up notes are silenced by
            # pointing file descriptor 2 elsewhere while it loads (learning.backend), and this
            # line must go on showing meanwhile
            self.stream = open(os.dup(sys.stderr.fileno()), "w", buffering=1,
                               encoding=sys.stderr.encoding or "utf-8", errors="replace")
        self.clock = clock
        self._lock = threading.Lock()
        self._text = ""          # the stage, as shown
        self._detail = ""        # epochs, steps: what follows the stage on the line
        self._started = clock()  # when the stage began
        self._shown = 0          # width of the line on the terminal now
        self._logged = 0.0       # when the last training line was printed (not a terminal)
        self._training: tuple[float, int] | None = None  # (time, epoch) of a model's first report
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        self._pending = False    # the stage is not shown yet (see ``stage``'s delay)
        self._left = ""          # the time a model has left to train, when known
        self._delay = 0.0

    # --- what the commands call ---------------------------------------------------------------

    def stage(self, text: str, delay: float = 0.0) -> None:
        """A new stage begins: ``text`` such as "loading TensorFlow", shown at once; or, with a
        ``delay``, only on a terminal and once it has lasted that long (a stage that is usually
        quick, such as reading a song: an error right after it stays the only line)."""
        if self.quiet or (delay > 0 and not self.tty):
            return
        with self._lock:
            self._text, self._detail, self._started, self._left = text, "", self.clock(), ""
            self._training, self._pending, self._delay = None, delay > 0, delay
            if not self._pending:
                self._show_stage()
            self._start_ticker()

    def _show_stage(self) -> None:
        self._pending = False
        if self.tty:
            self._draw()
        else:
            self._print(f"{self._text} …")
            self._logged = self.clock()

    def epoch(self, report: EpochReport) -> None:
        """A training's epoch: its number of at most (``report.bound``) or exactly
        ``report.epochs``, its loss and, as the model reports them, its share right or its
        held-out bits per note; the time left, from the pace since the first epoch reported."""
        if self.quiet:
            return
        with self._lock:
            now = self.clock()
            if self._training is None or report.epoch <= self._training[1]:
                self._training = (now, report.epoch)
            self._left = ""
            first_time, first_epoch = self._training
            if first_epoch < report.epoch < report.epochs:
                seconds = (now - first_time) / (report.epoch - first_epoch) * \
                    (report.epochs - report.epoch)
                self._left = f"{'≤ ' if report.bound else ''}{duration(seconds)} left"
            if report.validation is None:
                done = f"loss {report.loss:.4f}, {report.accuracy:.0%} right"
            else:
                done = (f"loss {report.loss:.3f} bits per note, validation "
                        f"{report.validation:.3f}, {report.seconds / report.epoch:.0f} s an epoch")
            self._detail = (f"epoch {report.epoch}/{report.epochs}, {done}"
                            + (f", {self._left}" if self._left else ""))
            self._pending = False
            if self.tty:
                self._draw()
            elif now - self._logged >= LOG_SECONDS:
                self._print(f"{self._text}: {self._detail}")
                self._logged = now

    def count(self, done: int, total: int, unit: str) -> None:
        """How far a stage of countable work is: "4,210/8,462 tunes (50%), 1,230 tunes/s, 3 s
        left" (the rate and the time left from the stage's start)."""
        if self.quiet or not total:
            return
        with self._lock:
            seconds = self.clock() - self._started
            rate = done / seconds if seconds > 0 else 0.0
            left = f", {duration((total - done) / rate)} left" if rate and done < total else ""
            self._left = left[2:]
            self._detail = f"{done:,}/{total:,} {unit} ({done / total:.0%})" + \
                (f", {rate:,.0f} {unit}/s" if rate else "") + left
            self._update()

    def report(self, detail: str, left: float | None = None, bound: bool = True) -> None:
        """What the stage is at, in words ("epoch 5/100, validation 2.95 bits per note"), and
        its time ``left`` in seconds when known (at most, with ``bound``)."""
        if self.quiet:
            return
        with self._lock:
            self._left = "" if left is None else f"{'≤ ' if bound else ''}{duration(left)} left"
            self._detail = detail + (f", {self._left}" if self._left else "")
            self._update()

    def _update(self) -> None:
        """Show the detail: redraw the terminal line, or a line at most every LOG_SECONDS."""
        if self._pending and not self._delay_over():
            return
        self._pending = False
        now = self.clock()
        if self.tty:
            self._draw()
        elif now - self._logged >= LOG_SECONDS:
            self._print(f"{self._text}: {self._detail}")
            self._logged = now

    def step(self, number: int, of: int, what: str) -> None:
        """Step ``number`` of ``of`` of the stage: "3/11 mlp-full-song" (a terminal only)."""
        if self.quiet or not self.tty:
            return
        with self._lock:
            self._detail, self._pending = f"{number}/{of} {what}", False
            self._draw()

    def warn(self, text: str) -> None:
        """A warning on a line of its own (the progress line comes back under it)."""
        with self._lock:
            self._clear()
            print(f"warning: {text}", file=self.stream, flush=True)
            if self.tty and self._text and not self.quiet and not self._pending:
                self._draw()

    def done(self) -> None:
        """The work is over: the progress line is cleared (the results follow)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            self._clear()
            self._text, self._pending = "", False

    # --- the terminal line ----------------------------------------------------------------------

    def _delay_over(self) -> bool:
        return self.clock() - self._started >= self._delay

    def _line(self) -> str:
        """The stage, what it is at, and its time so far (unless the time left is shown)."""
        detail = f": {self._detail}" if self._detail else " …"
        elapsed = "" if self._left else f" ({duration(self.clock() - self._started)})"
        return f"{self._text}{detail}{elapsed}"

    def _draw(self) -> None:
        line = _fit(self._line(), shutil.get_terminal_size().columns - 1)  # no wrapped line
        width = _width(line)
        self.stream.write("\r" + line + " " * max(0, self._shown - width))
        self.stream.flush()
        self._shown = width

    def _clear(self) -> None:
        if self.tty and self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0

    def _print(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def _start_ticker(self) -> None:
        if self._ticker is not None:
            return
        self._stop.clear()

        def tick() -> None:  # the terminal line's clock; a delayed stage shown when due
            while not self._stop.wait(TICK_SECONDS):
                with self._lock:
                    if not self._text:
                        continue
                    if self._pending and self._delay_over():
                        self._show_stage()
                    elif self.tty and not self._pending:
                        self._draw()

        self._ticker = threading.Thread(target=tick, name="melodygen-progress", daemon=True)
        self._ticker.start()
