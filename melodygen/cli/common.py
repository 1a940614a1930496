"""What the commands share: the training options, progress on stderr, tables for a terminal."""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata

from ..learning.config import RECIPES, TrainConfig

SONG_HELP = ("a bundled song name (see --list) or a song file (.txt), MIDI (.mid) or score "
             "(.musicxml, .xml, .mxl, .abc)")


def add_training_options(parser: argparse.ArgumentParser) -> None:
    """--epochs, --recipe, --learning-rate, --seed: how to train (``TrainConfig``)."""
    parser.add_argument("--epochs", type=int, default=None,
                        help="fast recipe: most epochs before giving up; lecture recipe: epochs "
                             f"(default {TrainConfig.epochs})")
    parser.add_argument("--recipe", choices=RECIPES, default=TrainConfig.recipe,
                        help="fast: compiled full-song steps that stop once the song is learnt; "
                             "lecture: the lecture's schedule, every epoch (default %(default)s)")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help="Adam learning rate (default: fast 0.02, lecture 0.001)")
    parser.add_argument("--seed", type=int, default=TrainConfig.seed,
                        help="random seed: the same seed gives the same notes and files "
                             "(default %(default)s)")


def train_config(args: argparse.Namespace, **more) -> TrainConfig:
    """The ``TrainConfig`` of the training options (a bad value is a ``ConfigError``)."""
    epochs = TrainConfig.epochs if args.epochs is None else args.epochs
    return TrainConfig(epochs=epochs, seed=args.seed, recipe=args.recipe,
                       learning_rate=args.learning_rate, **more)


def start_tensorflow() -> None:
    """The process-wide TensorFlow settings every command runs with (``configure_tensorflow``):
    one thread per op, deterministic ops."""
    from ..learning.backend import configure_tensorflow
    configure_tensorflow()


class ProgressPrinter:
    """Training progress on stderr: one updating line on a terminal, a line per model otherwise.
    Called as (model name, epoch, of epochs, loss, accuracy)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.shown = ""

    def __call__(self, model: str, epoch: int, epochs: int, loss: float, accuracy: float) -> None:
        line = f"training {model:<10} epoch {epoch:>5}/{epochs}  loss {loss:.4f}  accuracy {accuracy:6.1%}"
        if self.tty:
            print("\r" + line, end="", file=sys.stderr, flush=True)
        elif model != self.shown:
            print(f"training {model} ...", file=sys.stderr, flush=True)
        self.shown = model

    def done(self) -> None:
        if self.tty and self.shown:
            print(file=sys.stderr)


class ProgressBar:
    """Progress of a long job on stderr, called as (done, total): nothing during its first
    second; then, on a terminal, one line that updates (done of total, the rate, the time left),
    elsewhere a line at each quarter. ``unit`` names what is counted ("tunes")."""

    def __init__(self, what: str, unit: str, quiet: bool = False) -> None:
        self.what, self.unit, self.quiet = what, unit, quiet
        self.tty = sys.stderr.isatty()
        self.start = time.perf_counter()
        self.shown = False
        self.quarter = 0

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.perf_counter() - self.start
        if self.quiet or elapsed < 1 or not total:
            return
        rate = done / elapsed
        left = (total - done) / rate if rate else float("inf")
        line = (f"{self.what}: {done:,}/{total:,} {self.unit} ({done / total:.0%}), "
                f"{rate:,.0f} {self.unit}/s, {_seconds(left)} left")
        if self.tty:
            print("\r" + line + "\033[K", end="", file=sys.stderr, flush=True)
            self.shown = True
        elif done * 4 // total > self.quarter:
            self.quarter = done * 4 // total
            print(line, file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.shown:
            print(file=sys.stderr)
            self.shown = False


def _seconds(seconds: float) -> str:
    if seconds == float("inf"):
        return "?"
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def text_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def table(rows: list[tuple[str, ...]], strip: bool = False) -> list[str]:
    """Rows of cells -> lines: the first column left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))) for row in rows]
    return [line.rstrip() for line in lines] if strip else lines
