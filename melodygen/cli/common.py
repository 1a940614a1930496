"""What the commands share: the training options, progress on stderr, tables for a terminal."""

from __future__ import annotations

import argparse
import sys
import unicodedata

from ..learning.config import RECIPES, TrainConfig

SONG_HELP = ("a bundled song name (see --list) or a song file (.txt), MIDI (.mid, .kar) or score "
             "(.musicxml, .xml, .mxl, .abc, .krn; FILE.abc:N for the tune X:N)")


def add_reading_options(parser: argparse.ArgumentParser) -> None:
    """--quantize, --tune: how to read the song file (``formats.songs.load_melody``)."""
    parser.add_argument("--quantize", default="auto", metavar="GRID",
                        help="the grid of the song's times: auto (default: scores and MIDI "
                             "written by notation software exactly, tuplets included; played MIDI "
                             "on 16th notes, small gaps and overlaps closed), or 4, 8, 16, 32, 64 "
                             "(note values), 8t, 16t (their triplets)")
    parser.add_argument("--tune", type=int, default=None, metavar="N",
                        help="of an ABC file with several tunes, the one numbered X:N (default: "
                             "the first); FILE.abc:N says the same")


def add_training_options(parser: argparse.ArgumentParser) -> None:
    """--epochs, --recipe, --learning-rate, --seed: how to train (``TrainConfig``)."""
    parser.add_argument("--epochs", type=int, default=TrainConfig.epochs,
                        help="fast recipe: most epochs before giving up; lecture recipe: epochs "
                             "(default %(default)s)")
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
    return TrainConfig(epochs=args.epochs, seed=args.seed, recipe=args.recipe,
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


def text_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def table(rows: list[tuple[str, ...]], strip: bool = False) -> list[str]:
    """Rows of cells -> lines: the first column left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))) for row in rows]
    return [line.rstrip() for line in lines] if strip else lines
