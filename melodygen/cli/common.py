"""What the commands share: the training options, loading TensorFlow, model names, tables for a
terminal."""

from __future__ import annotations

import argparse
import difflib
import unicodedata

from ..core.errors import ConfigError
from ..learning.song.config import MODELS, RECIPES, TrainConfig
from .progress import Progress

SONG_HELP = ("a bundled song name (see --list) or a song file (.txt), MIDI (.mid, .kar) or score "
             "(.musicxml, .xml, .mxl, .abc, .krn; FILE.abc:N for the tune X:N)")


def check_window(melody, window: int) -> None:
    """Refuse a melody too short for ``window``, its notes and rests counted apart ("melody has
    2 notes and 1 rest; a window of 4 needs at least 5 notes and rests"), before the learning
    refuses it in words that count a rest as a note."""
    from ..core.errors import MelodyError
    from ..core.note import counted

    if len(melody.notes) < window + 1:
        rests = any(note.is_rest for note in melody.notes)
        raise MelodyError(f"melody has {counted(melody.notes)}; a window of {window} needs at "
                          f"least {window + 1}{' notes and rests' if rests else ''}",
                          source=melody.source or None)


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
    parser.add_argument("--epochs", type=int, default=None,
                        help="fast recipe: most epochs before giving up; lecture recipe: epochs "
                             f"(default {TrainConfig.epochs})")
    parser.add_argument("--recipe", choices=RECIPES, default=TrainConfig.recipe,
                        help="fast: compiled full-song steps that stop once the song is learnt; "
                             "lecture: the lecture's schedule, every epoch (default %(default)s)")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help="Adam learning rate (default: fast 0.01, lecture 0.001)")
    parser.add_argument("--seed", type=int, default=TrainConfig.seed,
                        help="random seed: the same seed gives the same notes and files "
                             "(default %(default)s)")


def train_config(args: argparse.Namespace, **more) -> TrainConfig:
    """The ``TrainConfig`` of the training options (a bad value is a ``ConfigError``)."""
    epochs = TrainConfig.epochs if args.epochs is None else args.epochs
    return TrainConfig(epochs=epochs, seed=args.seed, recipe=args.recipe,
                       learning_rate=args.learning_rate, **more)


def start_tensorflow(progress: Progress, song: bool = False) -> None:
    """Load TensorFlow, saying so (3 to 20 s), with the process-wide settings every command runs
    with (``configure_tensorflow``): one thread per op, deterministic ops; ``song``: the models
    of one song, whose small graphs run without grappler's optimizations."""
    progress.stage("loading TensorFlow")
    from ..learning.backend import configure_tensorflow
    configure_tensorflow(optimize_graphs=not song)


def training_stages(progress: Progress, names: list[str]):
    """The ``on_stage`` of ``run_song`` for ``names``: a stage line for each model's training
    and predictions."""
    def on_stage(stage: str, name: str) -> None:
        of = f" ({names.index(name) + 1}/{len(names)})" if len(names) > 1 else ""
        progress.stage(f"training {name}{of}" if stage == "train" else f"predicting with {name}{of}")
    return on_stage


def did_you_mean(word: str, known) -> str:
    """" (did you mean 'nabiya'?)" for a word close to one of ``known``, else ""."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_model(name: str, extra: tuple[str, ...] = ()) -> str:
    """A model preset's name, or a ``ConfigError`` that lists the presets (and ``extra``
    words) and names the closest."""
    if name in MODELS or name in extra:
        return name
    known = ", ".join(MODELS) + "".join(f" or {word}" for word in extra)
    raise ConfigError(f"unknown model {name!r}{did_you_mean(name, [*MODELS, *extra])}; known: {known}")


def text_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def table(rows: list[tuple[str, ...]], strip: bool = False) -> list[str]:
    """Rows of cells -> lines: the first column left-aligned, the others right-aligned (by the
    columns a cell takes on a terminal: Hangul takes two)."""
    widths = [max(text_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    pad = [[" " * (w - text_width(cell)) for cell, w in zip(row, widths)] for row in rows]
    lines = ["  ".join(cell + space if i == 0 else space + cell
                       for i, (cell, space) in enumerate(zip(row, spaces)))
             for row, spaces in zip(rows, pad)]
    return [line.rstrip() for line in lines] if strip else lines
