"""``melodygen train SOURCE`` when SOURCE is a collection (a folder, a glob, a tunebook of several
tunes, essen, essen/kinder, ...): the corpus model, trained on all of it with early stopping on a
held-out part, saved for ``melodygen generate``; ``--resume`` goes on from the last finished
epoch of a training that stopped."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .common import ProgressBar, start_tensorflow


def is_collection(source: str) -> bool:
    """A named collection, a folder, a glob, or an ABC file of more than one tune."""
    from ..formats.collections import count_tunes, named_collections

    path = Path(source)
    if path.is_dir() or (not path.exists() and any(c in source for c in "*?[")):
        return True
    if path.is_file():
        return path.suffix.lower() == ".abc" and count_tunes(path) > 1
    return source == "essen" or source.startswith("essen/") or source in named_collections()


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ..formats.files import prepare_folder
    from ..learning.checkpoint import SUFFIX
    from ..learning.config import CorpusModelConfig, CorpusTrainConfig

    train = CorpusTrainConfig(seed=args.seed)
    if args.epochs is not None:
        train = replace(train, max_epochs=args.epochs)
    if args.learning_rate is not None:
        train = replace(train, learning_rate=args.learning_rate)
    model_config = CorpusModelConfig() if args.units is None else CorpusModelConfig(units=args.units)
    path = args.save or Path("models") / f"{args.song.replace('/', '-').strip('-.')}{SUFFIX}"
    prepare_folder(path.parent)  # a folder that cannot be written fails before any work

    from ..formats.collections import read_collection
    bar = ProgressBar(f"reading {args.song}", "tunes", quiet=args.quiet)
    collection = read_collection(args.song, progress=bar)
    bar.done()
    if not args.quiet:
        print(f"{collection.name}: {len(collection):,} tunes, {collection.notes:,} notes; "
              "loading TensorFlow ...", file=sys.stderr, flush=True)
    start_tensorflow()
    from ..learning.corpus_checkpoint import train_on_collection

    progress = None if args.quiet else _EpochPrinter(collection.name)
    model = train_on_collection(collection, model_config, train, args.validation, progress,
                                save_to=path, resume=args.resume)
    if progress:
        progress.done()
    model.save(path)
    facts = model.checkpoint.facts
    print(f"{collection.name}: trained on {facts.tunes:,} tunes ({facts.notes:,} notes), "
          f"{facts.epochs} epochs in {facts.seconds:.0f} s; on {facts.validation_tunes:,} held-out "
          f"tunes {facts.validation_bits:.3f} bits per note ({facts.validation_pitch_bits:.3f} "
          f"for the pitch alone), from epoch {facts.best_epoch}")
    print(f"saved {path} ({path.stat().st_size / 1024 / 1024:.1f} MiB); new tunes: melodygen "
          f"generate {path} --key G --meter 3/4 --bars 16")
    return 0


class _EpochPrinter:
    """Per epoch on stderr: the loss, the validation bits per note, and the time left."""

    def __init__(self, name: str) -> None:
        self.name, self.tty, self.start = name, sys.stderr.isatty(), time.perf_counter()

    def __call__(self, epoch: int, epochs: int, train_bits: float, validation_bits: float,
                 seconds: float) -> None:
        most = seconds / epoch * (epochs - epoch)
        line = (f"training on {self.name}: epoch {epoch}/{epochs}, loss {train_bits:.3f} bits per "
                f"note, validation {validation_bits:.3f}, {seconds / epoch:.0f} s an epoch, at "
                f"most {most / 60:.0f} min left (it stops early once validation stops improving)")
        print(("\r" + line + "\033[K") if self.tty else line, end="" if self.tty else "\n",
              file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.tty:
            print(file=sys.stderr)
