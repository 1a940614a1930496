"""``melodygen train SOURCE`` when SOURCE is a collection (a folder, a glob, a tunebook of several
tunes, essen, essen/kinder, ...): the corpus model, trained on all of it with early stopping on a
held-out part, saved for ``melodygen generate``; ``--resume`` goes on from the last finished
epoch of a training that stopped; ``--distributed`` trains on the workers of ``TF_CONFIG`` (or
this host's devices), the chief alone reporting and saving."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import start_tensorflow
from .corpus import read
from .progress import Progress


def is_collection(source: str) -> bool:
    """A named collection, a folder, a glob, or an ABC file of more than one tune."""
    from ..formats.collections import count_tunes, named_collections

    path = Path(source)
    if path.is_dir() or (not path.exists() and any(c in source for c in "*?[")):
        return True
    if path.is_file():
        return path.suffix.lower() == ".abc" and count_tunes(path) > 1
    return source == "essen" or source.startswith("essen/") or source in named_collections()


def run(args: argparse.Namespace, progress: Progress) -> int:
    import os
    import sys
    from dataclasses import replace

    from ..formats.files import prepare_folder
    from ..learning.checkpoint import SUFFIX
    from ..learning.cluster import RESTART_STATUS, WorkerLost, read_tf_config
    from ..learning.config import CorpusModelConfig, CorpusTrainConfig

    train = CorpusTrainConfig(seed=args.seed)
    if args.epochs is not None:
        train = replace(train, max_epochs=args.epochs)
    if args.learning_rate is not None:
        train = replace(train, learning_rate=args.learning_rate)
    model_config = CorpusModelConfig() if args.units is None else CorpusModelConfig(units=args.units)
    path = args.save or Path("models") / f"{args.song.replace('/', '-').strip('-.')}{SUFFIX}"
    cluster = read_tf_config(os.environ.get("TF_CONFIG")) if args.distributed else None
    chief = cluster is None or cluster.is_chief
    if chief:
        prepare_folder(path.parent)  # a folder that cannot be written fails before any work
    else:
        progress = Progress(quiet=True)  # the chief alone reports (warnings still show)

    collection = read(args.song, progress)
    start_tensorflow(progress)
    from ..learning.corpus_checkpoint import train_on_collection

    strategy, on = None, ""
    if args.distributed:
        from ..learning.distributed import choose_strategy, describe
        progress.stage(f"waiting for the workers of TF_CONFIG ({cluster.workers})" if cluster
                       else "finding this host's devices")
        strategy = choose_strategy(cluster)
        on = f", {describe(strategy)}"
    progress.stage(f"training on {collection.name} ({len(collection):,} tunes, "
                   f"{collection.notes:,} notes{on})")

    def epoch(number: int, epochs: int, train_bits: float, validation_bits: float,
              seconds: float) -> None:
        progress.report(f"epoch {number}/{epochs}, loss {train_bits:.3f} bits per note, "
                        f"validation {validation_bits:.3f}, {seconds / number:.0f} s an epoch",
                        left=seconds / number * (epochs - number))  # unless it stops early

    try:
        model = train_on_collection(collection, model_config, train, args.validation, epoch,
                                    save_to=path, resume=args.resume, strategy=strategy)
    except WorkerLost as error:
        progress.done()
        print(error, file=sys.stderr)
        return RESTART_STATUS  # a restart policy starts this worker again
    facts = model.checkpoint.facts
    if not chief:
        print(f"{cluster}: trained {facts.epochs} epochs; the chief saves {path}")
        return 0
    progress.stage(f"saving {path}")
    model.save(path)
    progress.done()
    print(f"{collection.name}: trained on {facts.tunes:,} tunes ({facts.notes:,} notes), "
          f"{facts.epochs} epochs in {facts.seconds:.0f} s{on}; on {facts.validation_tunes:,} "
          f"held-out tunes {facts.validation_bits:.3f} bits per note "
          f"({facts.validation_pitch_bits:.3f} for the pitch alone), from epoch {facts.best_epoch}")
    print(f"saved {path} ({path.stat().st_size / 1024 / 1024:.1f} MiB); new tunes: melodygen "
          f"generate {path} --key G --meter 3/4 --bars 16")
    return 0
